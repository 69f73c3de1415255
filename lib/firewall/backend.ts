// The firewall backends, and choosing one the way the reference does when a config does not say:
// iptables unless it is unusable and nftables is usable. Each plugin implements its firewall
// feature once per backend and registers the implementations in a Backends record, so that the
// compiler rejects a backend without one; verbs then ask for "the chosen one" or "every one"
// and never name a backend.
import { combineErrors } from '../cni/errors.ts';
import { succeeds, ToolError } from './run.ts';

export type Backend = 'iptables' | 'nftables';

export const BACKENDS: readonly Backend[] = ['iptables', 'nftables'];

/** What every implementation can say: whether its backend's tools work here. */
export interface BackendImpl {
  usable(): Promise<boolean>;
}

/** One feature's implementation per backend: at hand, or loaded only when it is used. */
export type Backends<F extends BackendImpl> = { readonly [B in Backend]: () => F | Promise<F> };

/**
 * `op` on backend `b`'s implementation, called synchronously when the implementation is at hand:
 * a verb that starts a firewall tool and goes on with netlink work meanwhile must not have the
 * tool's start wait for a later tick.
 */
function onImpl<F extends BackendImpl, T>(r: Backends<F>, b: Backend, op: (f: F) => Promise<T>): Promise<T> {
  const f = r[b]();
  return f instanceof Promise ? f.then(op) : op(f);
}

let iptables: Promise<boolean> | undefined;
let nftables: Promise<boolean> | undefined;

/** iptables (legacy or nft-based) can at least list a built-in chain. Probed at most once a process. */
export const iptablesUsable = (): Promise<boolean> => (iptables ??= succeeds('iptables', ['-w', '-t', 'filter', '-S', 'INPUT', '1']));

/** nft runs, we have permission, and the kernel accepts a table with a comment (dry run only). */
export const nftablesUsable = (): Promise<boolean> =>
  (nftables ??= succeeds('nft', ['--check', '-f', '-'], 'add table ip cni_ts_probe { comment "probe" ; }\n'));

export type Probes = { readonly [B in Backend]: () => Promise<boolean> };

const probesOf = <F extends BackendImpl>(r: Backends<F>): Probes => ({
  iptables: async () => (await r.iptables()).usable(),
  nftables: async () => (await r.nftables()).usable(),
});

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
export async function withBackend<T>(configured: Backend | undefined, op: (b: Backend) => Promise<T>, probes: Probes): Promise<T> {
  if (configured !== undefined) return op(configured);
  try {
    return await op('iptables');
  } catch (err) {
    if (!causedByTool(err) || (await probes.iptables()) || !(await probes.nftables())) throw err;
    return op('nftables');
  }
}

/** ADD and CHECK: `op` on the implementation of the configured backend, else of the default one. */
export const withChosen = <F extends BackendImpl, T>(r: Backends<F>, configured: Backend | undefined, op: (f: F) => Promise<T>): Promise<T> =>
  withBackend(configured, (b) => onImpl(r, b, op), probesOf(r));

/** The reference's default when a choice must be made before trying: iptables unless it is
 *  unusable and nftables is usable. */
export async function defaultBackend<F extends BackendImpl>(r: Backends<F>): Promise<Backend> {
  const probes = probesOf(r);
  if (await probes.iptables()) return 'iptables';
  return (await probes.nftables()) ? 'nftables' : 'iptables';
}

/**
 * DEL and GC: `op` on every backend's implementation, since state may have been made by either
 * (another version, another config). A failure counts only where the backend is usable here, as
 * in the reference; the usability probes run only for backends that failed. Throws the failures
 * that count, combined.
 */
export async function onEveryBackend<F extends BackendImpl>(r: Backends<F>, op: (f: F) => Promise<void>): Promise<void> {
  const probes = probesOf(r);
  const settled = await Promise.allSettled(BACKENDS.map((b) => onImpl(r, b, op)));
  const errors: unknown[] = [];
  for (const [i, s] of settled.entries()) if (s.status === 'rejected' && (await probes[BACKENDS[i]!]())) errors.push(s.reason);
  if (errors.length > 0) throw combineErrors(errors);
}

/** STATUS: whether the configured backend, or else any backend, is usable. */
export async function anyUsable<F extends BackendImpl>(r: Backends<F>, configured?: Backend): Promise<boolean> {
  const usable = await Promise.all((configured === undefined ? BACKENDS : [configured]).map(async (b) => (await r[b]()).usable()));
  return usable.includes(true);
}
