// Address to text exactly as Go's net.IP.String() prints it. host-local names its
// lease files with this text, so any difference would orphan or duplicate leases.
import { isV4Mapped } from './mapped.ts';
import type { IPAddr } from './types.ts';

function v4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

export function formatIP(ip: IPAddr): string {
  if (ip.family === 4) return v4Text(Number(ip.value));
  // Go prints any v4-mapped value dotted, even one reached by IPv6 arithmetic.
  if (isV4Mapped(ip.value)) return v4Text(Number(ip.value & 0xffffffffn));
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((ip.value >> shift) & 0xffffn));
  // RFC 5952: "::" replaces the longest run of two or more zero groups, the first on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}
