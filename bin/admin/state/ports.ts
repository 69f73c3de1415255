// The veths plugged into a bridge of this network namespace, each with the interface at its other
// end: the namespace it is in (when it has a name under /run/netns), its name and addresses.
// Read with `ip -j`, which already resolves peers across namespaces.
import { spawnSync } from 'node:child_process';

export interface BridgePort {
  readonly veth: string;
  /** The peer's namespace as a path, when `ip netns` knows its name; none when it is this one. */
  readonly netns?: string;
  readonly peerIfname?: string;
  readonly peerAddrs: readonly string[];
}

interface IpLink {
  ifname: string;
  ifindex: number;
  link_index?: number;
  /** The peer's name, given instead of link_index when it is in this namespace. */
  link?: string;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string };
  addr_info?: { local: string }[];
}

/** `ip -j ARGS`, or undefined when it fails (no such device, no such namespace). */
function ipJson<T>(args: readonly string[]): T | undefined {
  const r = spawnSync('ip', ['-j', ...args], { encoding: 'utf8' });
  if (r.status !== 0 || r.stdout.trim() === '') return undefined;
  return JSON.parse(r.stdout) as T;
}

export function bridgePorts(bridge: string): BridgePort[] {
  const links = ipJson<IpLink[]>(['-d', 'link', 'show', 'master', bridge]) ?? [];
  const names = new Map((ipJson<{ nsid: number; name?: string }[]>(['netns', 'list-id']) ?? []).flatMap((n) => (n.name ? [[n.nsid, n.name] as const] : [])));
  const peersIn = new Map<string, IpLink[]>();
  const peers = (ns: string): IpLink[] => {
    let list = peersIn.get(ns);
    if (!list) peersIn.set(ns, (list = ipJson<IpLink[]>([...(ns ? ['-n', ns] : []), 'addr', 'show']) ?? []));
    return list;
  };
  return links
    .filter((l) => l.linkinfo?.info_kind === 'veth')
    .map((l) => {
      // No netnsid: both ends are in this namespace.
      const here = l.link_netnsid === undefined;
      const ns = here ? undefined : names.get(l.link_netnsid!);
      const peer = here || ns ? peers(ns ?? '').find((p) => p.ifindex === l.link_index || p.ifname === l.link) : undefined;
      return {
        veth: l.ifname,
        ...(ns && { netns: `/run/netns/${ns}` }),
        ...(peer && { peerIfname: peer.ifname }),
        peerAddrs: peer?.addr_info?.map((a) => a.local) ?? [],
      };
    });
}
