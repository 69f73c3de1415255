// Addresses between Go-canonical text (lib/ip) and the raw bytes netlink carries.
import { formatIP, parseIP, parseIPWithPrefix, parseMAC } from '../ip/index.ts';
import type { Family, IPAddr } from '../ip/index.ts';
import { AF_INET, AF_INET6 } from './codec.ts';
import { errnoError } from './errors.ts';


export function afOf(family: Family): number {
  return family === 4 ? AF_INET : AF_INET6;
}

export function ipBytes(ip: IPAddr): Buffer {
  const n = ip.family === 4 ? 4 : 16;
  const b = Buffer.alloc(n);
  let v = ip.value;
  for (let i = n - 1; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn);
  return b;
}

export function bytesToIP(b: Buffer): string {
  let value = 0n;
  for (const byte of b) value = (value << 8n) | BigInt(byte);
  return formatIP({ family: b.length === 4 ? 4 : 6, value });
}

/** "10.1.2.2/24" or "fd00::2/64", host bits kept. */
export function parseCidr(text: string): { ip: IPAddr; prefixLen: number } {
  const p = parseIPWithPrefix(text);
  if (p === undefined) throw errnoError(`invalid CIDR address "${text}"`, 22);
  return p;
}

export function parseAddr(text: string): IPAddr {
  const ip = parseIP(text);
  if (ip === undefined) throw errnoError(`invalid IP address "${text}"`, 22);
  return ip;
}

/** The network of an address: host bits cleared. */
export function maskBytes(b: Buffer, prefixLen: number): Buffer {
  const out = Buffer.from(b);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, prefixLen - i * 8));
    out[i] = (out[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

export function macBytes(text: string): Buffer {
  const mac = parseMAC(text);
  if (mac === undefined || mac.length !== 17) throw errnoError(`invalid MAC address "${text}"`, 22);
  return Buffer.from(mac.replaceAll(':', ''), 'hex');
}

export function macText(b: Buffer | undefined): string {
  return b === undefined ? '' : [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
