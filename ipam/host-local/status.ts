// STATUS (spec 1.1.0; a no-op in the reference): code 50 when the data directory cannot be
// written or no range set has an address left, else success. Like ADD and GC it frees what an
// earlier boot left, so a node's first STATUS after a reboot already reports the true free space.
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { formatIP } from '../../lib/ip/index.ts';
import type { HostLocalConfig } from './config.ts';
import { candidates } from './iterator.ts';
import { diskDeps, withStore, type Deps } from './deps.ts';
import { rangeSetString, type RangeSet } from './rangeset.ts';

const unavailable = (msg: string, cause?: unknown): CniError => new CniError(Code.PluginNotAvailable, msg, '', { cause });

/** Whether some address of the set is neither taken nor a gateway; stops at the first one. */
function hasFree(set: RangeSet, taken: ReadonlySet<string>): boolean {
  for (const { ip } of candidates(set, undefined)) if (!taken.has(formatIP(ip))) return true;
  return false;
}

export async function status(req: Request<HostLocalConfig>, deps: Deps = diskDeps): Promise<void> {
  const conf = req.config;
  try {
    deps.checkWritable(conf);
  } catch (err) {
    throw unavailable(`data directory is not writable: ${(err as Error).message}`, err);
  }
  // Under the lock, for the sweep of what an earlier boot left; a network without a directory has nothing taken.
  const taken = withStore(deps, conf, false, new Set<string>(), (store) => {
    store.releaseStale();
    return store.taken();
  });
  const full = conf.rangeSets.filter((set) => !hasFree(set, taken));
  // An ADD needs an address from every range set, so one full set already means it would fail.
  if (full.length > 0) {
    throw unavailable(full.map((set) => `no IP addresses available in range set: ${rangeSetString(set)}`).join('; '));
  }
}
