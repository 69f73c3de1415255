// The round-robin walk over a range set (the reference's RangeIter): start just after the last
// reserved address if it is in the set, else at the first range's start; go to each range's end,
// wrap to the next range, skip every gateway, and stop when back where it began. Keeping the
// exact order matters: it decides which address a container gets, and tests pin it.
import { ipEqual, nextIP, type IPAddr } from '../../lib/ip/index.ts';
import { rangeContains, type Range } from './range.ts';
import type { RangeSet } from './rangeset.ts';

export interface Candidate {
  readonly ip: IPAddr;
  readonly range: Range;
}

export function* candidates(set: RangeSet, lastReserved: IPAddr | undefined): Generator<Candidate> {
  let idx = 0;
  let cur: IPAddr | undefined;
  let startIP: IPAddr | undefined;
  const lastIdx = lastReserved ? set.findIndex((r) => rangeContains(r, lastReserved)) : -1;
  if (lastIdx >= 0) {
    // The first step below moves past it, so the last reserved address is tried last.
    idx = lastIdx;
    cur = lastReserved;
  }
  for (;;) {
    let r = set[idx]!;
    if (cur === undefined) {
      cur = r.start;
      startIP = cur;
      if (!ipEqual(cur, r.gateway)) yield { ip: cur, range: r };
      continue;
    }
    if (ipEqual(cur, r.end)) {
      idx = (idx + 1) % set.length;
      r = set[idx]!;
      cur = r.start;
    } else {
      cur = nextIP(cur)!;
    }
    if (startIP === undefined) startIP = cur;
    else if (ipEqual(cur, startIP)) return;
    if (ipEqual(cur, r.gateway)) continue;
    yield { ip: cur, range: r };
  }
}
