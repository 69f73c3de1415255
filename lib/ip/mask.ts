// Bit masks for a family and prefix length.
import { bitsOf, type Family } from './types.ts';

export function allOnes(f: Family): bigint {
  return (1n << BigInt(bitsOf(f))) - 1n;
}

/** The low (host) bits below a prefix of `prefixLen`. */
export function hostMask(f: Family, prefixLen: number): bigint {
  const bits = bitsOf(f);
  // A bad length here is a caller's bug; failing loudly beats a silently wrong mask.
  if (!Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > bits) {
    throw new RangeError(`prefix length ${prefixLen} out of range for IPv${f}`);
  }
  return (1n << BigInt(bits - prefixLen)) - 1n;
}

export function networkMask(f: Family, prefixLen: number): bigint {
  return allOnes(f) ^ hostMask(f, prefixLen);
}
