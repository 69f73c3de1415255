// MAC text with Go's net.ParseMAC rules, printed as net.HardwareAddr.String() does.
import { hexDigit } from './hex.ts';

/** Exactly two hex digits at text[at], as one byte, or -1. */
function hexByte(text: string, at: number): number {
  const hi = hexDigit(text.charCodeAt(at));
  const lo = hexDigit(text.charCodeAt(at + 1));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/**
 * Accepts 6-, 8- (EUI-64) and 20-byte (InfiniBand) addresses as "00:00:5e:00:53:01",
 * "00-00-5e-00-53-01" (one separator throughout) or "0000.5e00.5301". Returns the
 * lowercase colon form.
 */
export function parseMAC(text: string): string | undefined {
  if (text.length < 14) return undefined;
  const bytes: number[] = [];
  const sep = text[2];
  if (sep === ':' || sep === '-') {
    if ((text.length + 1) % 3 !== 0) return undefined;
    const n = (text.length + 1) / 3;
    if (n !== 6 && n !== 8 && n !== 20) return undefined;
    for (let i = 0; i < n; i++) {
      const at = i * 3;
      if (i < n - 1 && text[at + 2] !== sep) return undefined;
      const b = hexByte(text, at);
      if (b < 0) return undefined;
      bytes.push(b);
    }
  } else if (text[4] === '.') {
    if ((text.length + 1) % 5 !== 0) return undefined;
    const n = (2 * (text.length + 1)) / 5;
    if (n !== 6 && n !== 8 && n !== 20) return undefined;
    for (let i = 0; i < n / 2; i++) {
      const at = i * 5;
      if (i < n / 2 - 1 && text[at + 4] !== '.') return undefined;
      const hi = hexByte(text, at);
      const lo = hexByte(text, at + 2);
      if (hi < 0 || lo < 0) return undefined;
      bytes.push(hi, lo);
    }
  } else {
    return undefined;
  }
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
