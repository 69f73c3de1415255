// A range set: the pool one address per ADD is taken from (the reference's range_set.go). Its
// ranges are disjoint and of one family.
import type { Family, IPAddr } from '../../lib/ip/index.ts';
import { canonicalizeRange, rangeContains, rangesOverlap, rangeString, type Range, type RangeInput } from './range.ts';

export type RangeSet = readonly Range[];

export function canonicalizeRangeSet(inputs: readonly RangeInput[]): RangeSet {
  if (inputs.length === 0) throw new Error('empty range set');
  const set: Range[] = [];
  for (const input of inputs) {
    const r = canonicalizeRange(input);
    if (set.length > 0 && r.start.family !== set[0]!.start.family) throw new Error('mixed address families');
    set.push(r);
  }
  for (let i = 0; i < set.length - 1; i++) {
    for (let j = i + 1; j < set.length; j++) {
      if (rangesOverlap(set[i]!, set[j]!)) throw new Error(`subnets ${rangeString(set[i]!)} and ${rangeString(set[j]!)} overlap`);
    }
  }
  return set;
}

/** The range holding `ip`, if any: the first one, in config order. */
export const rangeFor = (set: RangeSet, ip: IPAddr): Range | undefined => set.find((r) => rangeContains(r, ip));

export const rangeSetString = (set: RangeSet): string => set.map(rangeString).join(',');

export const rangeSetsOverlap = (a: RangeSet, b: RangeSet): boolean => a.some((r) => b.some((r1) => rangesOverlap(r, r1)));

export const rangeSetFamily = (set: RangeSet): Family => set[0]!.start.family;
