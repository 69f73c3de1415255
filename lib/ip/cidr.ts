// "addr/len" text and prefix relations, with Go's net.ParseCIDR and IPNet rules.
import { formatIP } from './format.ts';
import { isV4Mapped } from './mapped.ts';
import { hostMask, networkMask } from './mask.ts';
import { parseIP } from './parse.ts';
import type { Family, IPAddr, IPPrefix, IPWithPrefix } from './types.ts';

/** Go's dtoi as ParseCIDR uses it: ASCII digits only, no sign, and leading zeros are
 *  accepted ("10.0.0.0/024" is /24 in Go, unlike netip.ParsePrefix). */
function parseLength(text: string, max: number): number | undefined {
  if (text.length === 0) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const n = Number(text); // a huge digit string becomes a huge number or Infinity: rejected below
  return n <= max ? n : undefined;
}

/**
 * Parses "addr/len" keeping the host bits, as the IP that Go's ParseCIDR returns.
 *
 * A v4-mapped address ("::ffff:1.2.3.4/120") is written in IPv6 syntax, so Go measures
 * its length against 128 bits but then treats the address as IPv4: IPNet.String() prints
 * "1.2.3.0/24" and Contains matches IPv4 addresses against the last 32 mask bits. We
 * return exactly that IPv4 view, family 4 with length len-96. With len < 96 Go's network
 * no longer contains its own address (::ffff:1.2.3.4/64 is the network ::/64, which holds
 * no IPv4 address), so we reject the text rather than model an incoherent value.
 */
export function parseIPWithPrefix(text: string): IPWithPrefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addrText = text.slice(0, slash);
  const ip = parseIP(addrText);
  if (ip === undefined) return undefined;
  // A valid address containing ':' was read as IPv6 text, whatever family it folded to.
  const textBits = addrText.includes(':') ? 128 : 32;
  const len = parseLength(text.slice(slash + 1), textBits);
  if (len === undefined) return undefined;
  if (ip.family === 4 && textBits === 128) {
    return len < 96 ? undefined : { ip, prefixLen: len - 96 };
  }
  return { ip, prefixLen: len };
}

/** Go's net.ParseCIDR: the address as written and the network it implies. */
export function parseCIDR(text: string): { ip: IPAddr; prefix: IPPrefix } | undefined {
  const a = parseIPWithPrefix(text);
  return a === undefined ? undefined : { ip: a.ip, prefix: prefixOf(a) };
}

/** The family Go reports for "addr/len" (ip.To4() != nil means 4), or undefined when
 *  parseIPWithPrefix rejects the text. */
export function ipFamilyOfCIDR(text: string): Family | undefined {
  return parseIPWithPrefix(text)?.ip.family;
}

export function prefixOf(a: IPWithPrefix): IPPrefix {
  const { family, value } = a.ip;
  return { family, network: value & networkMask(family, a.prefixLen), prefixLen: a.prefixLen };
}

// Go's IPNet.String() prints a v4-mapped network as IPv4 with the last 32 mask bits.
// Our parsers never build one, but arithmetic in IPv6 space can reach ::ffff:0:0/96.
function withLength(ip: IPAddr, prefixLen: number): string {
  if (ip.family === 6 && prefixLen >= 96 && isV4Mapped(ip.value)) return `${formatIP(ip)}/${prefixLen - 96}`;
  return `${formatIP(ip)}/${prefixLen}`;
}

export function formatPrefix(p: IPPrefix): string {
  return withLength({ family: p.family, value: p.network }, p.prefixLen);
}

export function formatIPWithPrefix(a: IPWithPrefix): string {
  return withLength(a.ip, a.prefixLen);
}

export function hasHostBits(ip: IPAddr, prefixLen: number): boolean {
  return (ip.value & hostMask(ip.family, prefixLen)) !== 0n;
}

export function contains(p: IPPrefix, ip: IPAddr): boolean {
  if (ip.family !== p.family) return false;
  return (ip.value & networkMask(p.family, p.prefixLen)) === p.network;
}

export function overlaps(a: IPPrefix, b: IPPrefix): boolean {
  if (a.family !== b.family) return false;
  // Two prefixes overlap exactly when the shorter one contains the other's network.
  const shorter = Math.min(a.prefixLen, b.prefixLen);
  const m = networkMask(a.family, shorter);
  return (a.network & m) === (b.network & m);
}

export function firstAddress(p: IPPrefix): IPAddr {
  return { family: p.family, value: p.network };
}

export function lastAddress(p: IPPrefix): IPAddr {
  return { family: p.family, value: p.network | hostMask(p.family, p.prefixLen) };
}
