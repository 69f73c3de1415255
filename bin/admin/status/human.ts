// `cni-ts status -o human`: one block per network, its tables in aligned columns.
import { columns, type Paint } from '../table.ts';
import type { NetworkStatus, PluginStatus, StatusReport } from './report.ts';

const pluginText = (p: PluginStatus, paint: Paint): string =>
  `${p.type} ${p.status === 'ok' ? paint('green', 'ok') : p.status === 'n/a' ? paint('dim', 'n/a') : paint('red', `failed: ${p.error ?? ''}`)}`;

function network(n: NetworkStatus, paint: Paint): string[] {
  const lines = [`${paint('bold', `network ${n.name}`)}  cniVersion ${n.cniVersion || '(none)'}  ${n.file}`];
  if (n.problem) lines.push(`  ${paint('red', `config: ${n.problem}`)}`);
  const fw = n.firewall;
  lines.push(
    ...columns(
      [
        ['STATUS', n.plugins.map((p) => pluginText(p, paint)).join(', ')],
        ...(n.bridge ? [['bridge', n.bridge]] : []),
        ['firewall', `${fw.backend} (${fw.configured ? 'configured' : 'default'}); attachment rules: ${fw.objects.iptables} in iptables, ${fw.objects.nftables} in nftables`],
      ],
      '  ',
    ),
  );
  if (n.poolError) lines.push(`  ${paint('red', `pool: ${n.poolError}`)}`);
  if (n.pool.length > 0) {
    lines.push(`  ${paint('bold', 'pool')}`, ...columns([['SET', 'SUBNET', 'RANGE', 'ALLOCATED', 'CAPACITY'], ...n.pool.map((r) => [String(r.set), r.subnet, r.range, String(r.allocated), String(r.capacity)])], '    '));
  }
  if (n.attachments.length === 0) lines.push(`  ${paint('bold', 'attachments')} none`);
  else {
    lines.push(
      `  ${paint('bold', 'attachments')}`,
      ...columns(
        [['CONTAINER', 'IFNAME', 'ADDRESSES', 'HOST PORTS'], ...n.attachments.map((a) => [a.containerID, a.ifname, a.addresses.join(', ') || '-', a.hostPorts.join(', ') || '-'])],
        '    ',
      ),
    );
  }
  return lines;
}

export function renderStatus(r: StatusReport, paint: Paint): string {
  const blocks = r.networks.map((n) => network(n, paint).join('\n'));
  if (r.networks.length === 0) blocks.push(`no networks in ${r.confDir}`);
  const tail = [
    ...r.unloadable.map((u) => paint('red', `cannot load ${u.file}: ${u.error}`)),
    ...(r.otherAttachments > 0 ? [`${r.otherAttachments} cached attachment(s) in ${r.cacheDir} belong to networks not in ${r.confDir}`] : []),
    `firewall tools: iptables ${r.firewall.iptablesUsable ? 'usable' : 'unusable'}, nftables ${r.firewall.nftablesUsable ? 'usable' : 'unusable'}; default backend ${r.firewall.default}`,
  ];
  return `${[...blocks, tail.join('\n')].join('\n\n')}\n`;
}

/** The report as JSON; a capacity beyond 2^53 (an IPv6 range) is a decimal string. */
export const statusJson = (r: StatusReport): string =>
  `${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v), 2)}\n`;
