// Test vectors as addresses and prefixes: a vector that does not parse is a broken test.
import { parseCIDR, parseIP, type IPAddr, type IPPrefix } from '../../lib/ip/index.ts';

export function ip(text: string): IPAddr {
  const a = parseIP(text);
  if (a === undefined) throw new Error(`test vector does not parse: ${text}`);
  return a;
}

export function prefix(text: string): IPPrefix {
  const c = parseCIDR(text);
  if (c === undefined) throw new Error(`test vector does not parse: ${text}`);
  return c.prefix;
}
