// What libcni's cache says about an attachment, as status and doctor show it: its addresses,
// the links it made on the host (the result's interfaces outside any sandbox: its veth, and the bridge) and its mapped host ports.
import type { ListedAttachment } from '../../../lib/cni/cache.ts';

export interface AttachmentView {
  readonly network: string;
  readonly containerID: string;
  readonly ifname: string;
  readonly netns: string;
  readonly addresses: readonly string[];
  readonly hostLinks: readonly string[];
  readonly hostPorts: readonly string[];
}

const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);

/** "8080/tcp -> 80", with the host IP first when the mapping names one. */
const portText = (m: Record<string, unknown>): string =>
  `${typeof m.hostIP === 'string' && m.hostIP !== '' ? `${m.hostIP}:` : ''}${String(m.hostPort)}/${String(m.protocol ?? 'tcp')} -> ${String(m.containerPort)}`;

export function viewOf(a: ListedAttachment): AttachmentView {
  const result = a.result ?? {};
  // 0.2.0 results have ip4/ip6 instead of ips.
  const ips = [...list(result.ips), ...list([result.ip4, result.ip6])];
  return {
    network: a.network,
    containerID: a.containerID,
    ifname: a.ifname,
    netns: a.netns,
    addresses: ips.flatMap((ip) => (typeof ip.address === 'string' ? [ip.address] : typeof ip.ip === 'string' ? [ip.ip] : [])),
    hostLinks: list(result.interfaces).flatMap((i) => (typeof i.name === 'string' && !i.sandbox && typeof i.mac === 'string' ? [i.name] : [])),
    hostPorts: list(a.capabilityArgs?.portMappings).map(portText),
  };
}
