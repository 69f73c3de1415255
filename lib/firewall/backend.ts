// Choosing between iptables and nftables the way the reference does when a config does not say:
// iptables if it is usable, else nftables if usable. Probed lazily, at most once a process.
import { succeeds } from './run.ts';

export type Backend = 'iptables' | 'nftables';

let iptables: Promise<boolean> | undefined;
let nftables: Promise<boolean> | undefined;

/** iptables (legacy or nft-based) can at least list a built-in chain. */
export const iptablesUsable = (): Promise<boolean> => (iptables ??= succeeds('iptables', ['-w', '-t', 'filter', '-S', 'INPUT', '1']));

/** nft runs, we have permission, and the kernel accepts a table with a comment (dry run only). */
export const nftablesUsable = (): Promise<boolean> =>
  (nftables ??= succeeds('nft', ['--check', '-f', '-'], 'add table ip cni_ts_probe { comment "probe" ; }\n'));

/** The reference default: iptables unless it is unusable and nftables is usable. */
export async function defaultBackend(): Promise<Backend> {
  if (await iptablesUsable()) return 'iptables';
  return (await nftablesUsable()) ? 'nftables' : 'iptables';
}
