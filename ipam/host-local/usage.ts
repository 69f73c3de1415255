// How full each range of the network is, for the metrics: the reservations in it against the
// addresses it can hand out (start to end, the gateway excluded, as the iterator skips it).
import type { RangeUsage } from '../../lib/obs/observer.ts';
import { parseIP } from '../../lib/ip/index.ts';
import { rangeCapacity, rangeContains, rangeString } from './range.ts';
import type { RangeSet } from './rangeset.ts';

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
