// How full each range of the network is, for the metrics and `cni-ts status`: the reservations
// in it against the addresses it can hand out (start to end, the gateway excluded, as the iterator skips it).
import type { RangeUsage, Sample } from '../../lib/obs/observer.ts';
import { formatPrefix, parseIP } from '../../lib/ip/index.ts';
import { rangeCapacity, rangeContains, rangeString } from './range.ts';
import type { HostLocalConfig } from './config.ts';
import type { RangeSet } from './rangeset.ts';
import type { IpStore } from './store/types.ts';

/** One range of a set and its use. */
export interface RangeUse {
  /** The index of its range set. */
  readonly set: number;
  readonly subnet: string;
  /** start-end, as host-local names a range in its messages. */
  readonly range: string;
  readonly allocated: number;
  readonly capacity: bigint;
}

/** Every range of every set, with how many of `taken` (reserved addresses, as their file names
 *  spell them) fall in it. */
export function rangeUse(sets: readonly RangeSet[], taken: Iterable<string>): RangeUse[] {
  const ranges = sets.flatMap((set, i) => set.map((r) => ({ set: i, r })));
  const allocated = new Array<number>(ranges.length).fill(0);
  for (const name of taken) {
    const ip = parseIP(name);
    if (!ip) continue;
    const i = ranges.findIndex(({ r }) => rangeContains(r, ip));
    if (i >= 0) allocated[i]! += 1;
  }
  return ranges.map(({ set, r }, i) => ({ set, subnet: formatPrefix(r.subnet), range: rangeString(r), allocated: allocated[i]!, capacity: rangeCapacity(r) }));
}

/** rangeUse as the metrics carry it. */
export const rangeUsage = (sets: readonly RangeSet[], taken: Iterable<string>): RangeUsage[] =>
  rangeUse(sets, taken).map((u) => ({ range: u.range, allocated: u.allocated, capacity: Number(u.capacity) }));

/** The network's use as a metrics sample, made when the observer calls it: after the operation
 *  and outside the store's lock, which a listing of the directory does not need. */
export const usageSample = (conf: HostLocalConfig, store: IpStore) => (): Sample => ({ kind: 'ipam', network: conf.name, ranges: rangeUsage(conf.rangeSets, store.taken()) });
