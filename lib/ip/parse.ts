// Text to address with Go's net.ParseIP rules (which since Go 1.22 are netip.ParseAddr's,
// minus zones). Both parsers are hand-written scans: no regex, no allocation beyond the
// eight IPv6 groups, since plugins parse a handful of addresses per run.
import { hexDigit } from './hex.ts';
import { unmap } from './mapped.ts';
import type { IPAddr } from './types.ts';

const DOT = 0x2e;
const COLON = 0x3a;
const PERCENT = 0x25;

export function parseIP(text: string): IPAddr | undefined {
  // Like Go, the first '.' or ':' decides which syntax the whole text must follow.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      const v = parseV4(text, 0, text.length);
      return v === undefined ? undefined : { family: 4, value: BigInt(v) };
    }
    if (c === COLON) {
      const v = parseV6(text);
      return v === undefined ? undefined : unmap({ family: 6, value: v });
    }
    if (c === PERCENT) return undefined;
  }
  return undefined;
}

/** Dotted decimal in text[start, end): exactly four decimal octets 0-255; a multi-digit
 *  octet may not start with 0 (Go rejects it rather than guess octal). */
export function parseV4(text: string, start: number, end: number): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && octet === 0) return undefined;
      octet = octet * 10 + (c - 0x30);
      if (octet > 255) return undefined;
      digits++;
    } else if (c === DOT) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      dots++;
      octet = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

/** RFC 4291 text: 1-4 hex digits a group, one optional "::" standing for at least one
 *  zero group, and an optional dotted IPv4 tail in place of the last two groups. */
function parseV6(text: string): bigint | undefined {
  const len = text.length;
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  let ellipsis = -1; // group index where "::" stands
  let pos = 0;
  let n = 0; // groups filled
  if (len >= 2 && text.charCodeAt(0) === COLON && text.charCodeAt(1) === COLON) {
    ellipsis = 0;
    pos = 2;
    if (pos === len) return 0n;
  }
  while (n < 8) {
    let acc = 0;
    let digits = 0;
    for (; pos + digits < len; digits++) {
      const h = hexDigit(text.charCodeAt(pos + digits));
      if (h < 0) break;
      if (digits === 4) return undefined;
      acc = acc * 16 + h;
    }
    if (digits === 0) return undefined;
    if (pos + digits < len && text.charCodeAt(pos + digits) === DOT) {
      // The digits just read are the first IPv4 octet: re-read from the group start.
      if ((ellipsis < 0 && n !== 6) || n > 6) return undefined;
      const v4 = parseV4(text, pos, len);
      if (v4 === undefined) return undefined;
      groups[n++] = Math.floor(v4 / 0x10000);
      groups[n++] = v4 % 0x10000;
      pos = len;
      break;
    }
    groups[n++] = acc;
    pos += digits;
    if (pos === len) break;
    if (text.charCodeAt(pos) !== COLON || pos + 1 === len) return undefined;
    pos++;
    if (text.charCodeAt(pos) === COLON) {
      if (ellipsis >= 0) return undefined;
      ellipsis = n;
      pos++;
      if (pos === len) break;
    }
  }
  if (pos !== len) return undefined;
  if (n < 8) {
    if (ellipsis < 0) return undefined;
    const gap = 8 - n;
    for (let j = n - 1; j >= ellipsis; j--) groups[j + gap] = groups[j]!;
    for (let j = ellipsis; j < ellipsis + gap; j++) groups[j] = 0;
  } else if (ellipsis >= 0) {
    return undefined;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}
