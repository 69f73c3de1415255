// The firewall backends, and choosing one the way the reference does when a config does not say:
// iptables unless it is unusable and nftables is usable. Probed lazily, at most once a process.
// Each plugin implements its firewall feature once per backend and registers the implementations
// in a Backends record, so that the compiler rejects a backend without one.
import { combineErrors } from '../cni/errors.ts';
import { succeeds, ToolError } from './run.ts';

export type Backend = 'iptables' | 'nftables';

export const BACKENDS: readonly Backend[] = ['iptables', 'nftables'];

/** One feature's implementation per backend, each loaded only when it is used. */
export type Backends<F> = { readonly [B in Backend]: () => Promise<F> };

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

export const HOST_PROBES: Probes = { iptables: iptablesUsable, nftables: nftablesUsable };

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

/**
 * Runs `op` on every backend, for DEL and GC: state may have been made by either (another
 * version, another config). A failure counts only where the backend is usable here, as in the
 * reference; the usability probes run only for backends that failed. Throws the failures that count.
 */
export async function onEveryBackend(op: (b: Backend) => Promise<void>, probes: Probes = HOST_PROBES): Promise<void> {
  const settled = await Promise.allSettled(BACKENDS.map((b) => op(b)));
  const errors: unknown[] = [];
  for (const [i, s] of settled.entries()) if (s.status === 'rejected' && (await probes[BACKENDS[i]!]())) errors.push(s.reason);
  if (errors.length > 0) throw combineErrors(errors);
}
