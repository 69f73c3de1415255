// GC (spec 1.1.0; the reference leaves it out): frees every reservation whose attachment is not
// in cni.dev/valid-attachments (a legacy id-only file stays if any valid attachment has its ID),
// and what an earlier boot left. Runs under the store lock, keeps going past a failure and
// reports all of them at the end.
import { combineErrors } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { ownerKey, type Reservation } from './store/types.ts';
import type { HostLocalConfig } from './config.ts';
import { diskDeps, withStore, type Deps } from './deps.ts';
import { usageSample } from './usage.ts';

export async function gc(req: Request<HostLocalConfig>, deps: Deps = diskDeps): Promise<void> {
  const conf = req.config;
  // Without the list of valid attachments only what an earlier boot left is known to be stale.
  const validAttachments = conf.validAttachments;
  const keep = new Set(validAttachments?.map(ownerKey));
  const ids = new Set(validAttachments?.map((a) => a.containerID.trim()));
  const valid = (r: Reservation): boolean =>
    r.holder.kind === 'attachment' ? keep.has(ownerKey(r.holder)) : ids.has(r.holder.containerID);
  const failures = withStore(deps, conf, false, [], (store) => {
    let released = store.releaseStale();
    const errs: unknown[] = [];
    for (const r of validAttachments ? store.reservations() : []) {
      if (valid(r)) continue;
      try {
        store.releaseIP(r.ip);
        released++;
      } catch (err) {
        errs.push(err);
      }
    }
    req.obs.did({ released });
    req.obs.sample({ kind: 'released', what: 'address', count: released });
    req.obs.sample(usageSample(conf, store));
    return errs;
  });
  if (failures.length > 0) throw combineErrors(failures);
}
