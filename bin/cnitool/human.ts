// The `--output human` rendering of a result: one line per interface, address and route.
import type { Result } from '../../lib/cni/result.ts';

export function humanResult(r: Result): string {
  const lines: string[] = [];
  const ifaces = r.interfaces ?? [];
  if (ifaces.length > 0) {
    lines.push('interfaces:');
    ifaces.forEach((i, n) => {
      const extra = [i.mac, i.mtu ? `mtu ${i.mtu}` : '', i.sandbox ? `in ${i.sandbox}` : 'on the host'].filter(Boolean).join('  ');
      lines.push(`  [${n}] ${i.name}  ${extra}`);
    });
  }
  if ((r.ips ?? []).length > 0) {
    lines.push('addresses:');
    for (const ip of r.ips!) {
      const on = ip.interface !== undefined && ifaces[ip.interface] ? `  on [${ip.interface}] ${ifaces[ip.interface]!.name}` : '';
      lines.push(`  ${ip.address}${ip.gateway ? `  gateway ${ip.gateway}` : ''}${on}`);
    }
  }
  if ((r.routes ?? []).length > 0) {
    lines.push('routes:');
    for (const rt of r.routes!) lines.push(`  ${rt.dst}${rt.gw ? ` via ${rt.gw}` : ''}${rt.priority ? ` metric ${rt.priority}` : ''}${rt.table !== undefined ? ` table ${rt.table}` : ''}`);
  }
  const dns = r.dns;
  if (dns && (dns.nameservers?.length || dns.domain || dns.search?.length || dns.options?.length)) {
    lines.push('dns:');
    if (dns.nameservers?.length) lines.push(`  nameservers ${dns.nameservers.join(' ')}`);
    if (dns.domain) lines.push(`  domain ${dns.domain}`);
    if (dns.search?.length) lines.push(`  search ${dns.search.join(' ')}`);
    if (dns.options?.length) lines.push(`  options ${dns.options.join(' ')}`);
  }
  if (lines.length === 0) lines.push('(empty result)');
  return `${lines.join('\n')}\n`;
}
