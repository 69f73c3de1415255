// The loopback device as the verbs see it: its fixed name and the addresses that may sit on it.
import type { Address } from '../../lib/net/index.ts';
import { parseIP } from '../../lib/ip/index.ts';

/** The plugin works on this device whatever CNI_IFNAME says, as the reference does. */
export const LO = 'lo';

/** Go's net.IP.IsLoopback: 127.0.0.0/8 (v4-mapped too) or ::1. */
export function isLoopback(text: string): boolean {
  const ip = parseIP(text);
  if (ip === undefined) return false;
  return ip.family === 4 ? ip.value >> 24n === 127n : ip.value === 1n;
}

export const cidrOf = (a: Address): string => `${a.ip}/${a.prefixLen}`;
