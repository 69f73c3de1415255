// Choosing between iptables and nftables the way the reference does when a config does not say:
// iptables unless it is unusable and nftables is usable. Probed lazily, at most once a process.
import { succeeds, ToolError } from './run.ts';

export type Backend = 'iptables' | 'nftables';

let iptables: Promise<boolean> | undefined;
let nftables: Promise<boolean> | undefined;

/** iptables (legacy or nft-based) can at least list a built-in chain. */
export const iptablesUsable = (): Promise<boolean> => (iptables ??= succeeds('iptables', ['-w', '-t', 'filter', '-S', 'INPUT', '1']));

/** nft runs, we have permission, and the kernel accepts a table with a comment (dry run only). */
export const nftablesUsable = (): Promise<boolean> =>
  (nftables ??= succeeds('nft', ['--check', '-f', '-'], 'add table ip cni_ts_probe { comment "probe" ; }\n'));

export interface Probes {
  iptables(): Promise<boolean>;
  nftables(): Promise<boolean>;
}

const HOST_PROBES: Probes = { iptables: iptablesUsable, nftables: nftablesUsable };

function causedByTool(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof ToolError) return true;
  return false;
}

/**
 * Runs `op` on the configured backend, else on the reference's default without paying for the
 * probes on the common path (each is a process): iptables is simply tried, and only when a tool
 * failed are both probed. Then nftables is used if iptables is unusable and nftables usable;
 * otherwise the iptables error stands.
 */
export async function withBackend<T>(configured: Backend | undefined, op: (b: Backend) => Promise<T>, probes: Probes = HOST_PROBES): Promise<T> {
  if (configured !== undefined) return op(configured);
  try {
    return await op('iptables');
  } catch (err) {
    if (!causedByTool(err) || (await probes.iptables()) || !(await probes.nftables())) throw err;
    return op('nftables');
  }
}
