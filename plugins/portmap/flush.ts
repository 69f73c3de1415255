// Stale UDP conntrack entries for the mapped host ports (reference #1190): flushed after ADD
// has set its rules and after DEL has removed them. A failure is logged (stderr, and a warning
// in the operation's log line), never fatal.
import type { Family } from '../../lib/ip/index.ts';
import type { PortMapping } from './firewall/types.ts';

export async function flushUdp(mappings: readonly PortMapping[], family: Family, warn: (message: string) => void): Promise<void> {
  const ports = [...new Set(mappings.filter((m) => m.protocol === 'udp').map((m) => m.hostPort))];
  if (ports.length === 0) return;
  try {
    const { deleteConntrackByDstPort, IPPROTO } = await import('./conntrack.ts');
    await deleteConntrackByDstPort(family, IPPROTO.udp, ports);
  } catch (err) {
    const message = `failed to delete stale UDP conntrack entries for ports ${ports.join(',')} (IPv${family}): ${(err as Error).message}`;
    process.stderr.write(`${message}\n`);
    warn(message);
  }
}
