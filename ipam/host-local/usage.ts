// How full each range of the network is, for the metrics: the reservations in it against the
// addresses it can hand out (start to end, the gateway excluded, as the iterator skips it).
import type { RangeUsage, Sample } from '../../lib/obs/observer.ts';
import { parseIP } from '../../lib/ip/index.ts';
import { rangeCapacity, rangeContains, rangeString } from './range.ts';
import type { HostLocalConfig } from './config.ts';
import type { RangeSet } from './rangeset.ts';
import type { IpStore } from './store/types.ts';

/** Every range of every set, with how many of `taken` (reservation file names) fall in it. */
export function rangeUsage(sets: readonly RangeSet[], taken: Iterable<string>): RangeUsage[] {
  const ranges = sets.flat();
  const allocated = new Array<number>(ranges.length).fill(0);
  for (const name of taken) {
    const ip = parseIP(name);
    if (!ip) continue;
    const i = ranges.findIndex((r) => rangeContains(r, ip));
    if (i >= 0) allocated[i]! += 1;
  }
  return ranges.map((r, i) => ({ range: rangeString(r), allocated: allocated[i]!, capacity: Number(rangeCapacity(r)) }));
}

/** The network's use as a metrics sample, made when the observer calls it: after the operation
 *  and outside the store's lock, which a listing of the directory does not need. */
export const usageSample = (conf: HostLocalConfig, store: IpStore) => (): Sample => ({ kind: 'ipam', network: conf.name, ranges: rangeUsage(conf.rangeSets, store.taken()) });
