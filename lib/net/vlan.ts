// Bridge port VLANs (802.1Q filtering on a Linux bridge): what `bridge vlan add/del/show` send.
// Pure request builders and a parser; a Netlink socket sends them with `request`.
import { F, RTM, attr, attrs, ifinfomsg, readS32, readU16, u16, u32 } from './codec.ts';
import type { Request } from './codec.ts';

const AF_BRIDGE = 7;
const IFLA_AF_SPEC = 26;
const IFLA_EXT_MASK = 29;
const RTEXT_FILTER_BRVLAN = 2;
const IFLA_BRIDGE_FLAGS = 0;
const IFLA_BRIDGE_VLAN_INFO = 2;
const BRIDGE_FLAGS_MASTER = 1;
export const BRIDGE_VLAN_INFO = { MASTER: 0x1, PVID: 0x2, UNTAGGED: 0x4 } as const;

export interface PortVlan {
  vid: number;
  pvid: boolean;
  untagged: boolean;
}

/**
 * Adds or removes one VID on a bridge port, addressed to its master (the bridge), as the
 * reference's BridgeVlanAdd/Del(link, vid, pvid, untagged, self=false, master=true) do.
 */
export function portVlanRequest(op: 'add' | 'delete', index: number, v: PortVlan): Request {
  const flags = (v.pvid ? BRIDGE_VLAN_INFO.PVID : 0) | (v.untagged ? BRIDGE_VLAN_INFO.UNTAGGED : 0);
  const spec = attr(IFLA_AF_SPEC, attr(IFLA_BRIDGE_FLAGS, u16(BRIDGE_FLAGS_MASTER)), attr(IFLA_BRIDGE_VLAN_INFO, u16(flags), u16(v.vid)));
  const body = Buffer.concat([ifinfomsg({ family: AF_BRIDGE, index }), spec]);
  return { type: op === 'add' ? RTM.SETLINK : RTM.DELLINK, flags: 0, body };
}

/** A dump of every bridge port with its VLANs. */
export function listPortVlansRequest(): Request {
  return { type: RTM.GETLINK, flags: F.DUMP, body: Buffer.concat([ifinfomsg({ family: AF_BRIDGE }), attr(IFLA_EXT_MASK, u32(RTEXT_FILTER_BRVLAN))]) };
}

/** Reads one answer of that dump: the port's ifindex and its VLANs (several VLAN_INFO attributes). */
export function parsePortVlans(data: Buffer): { index: number; vlans: PortVlan[] } {
  const index = readS32(data, 4);
  const vlans: PortVlan[] = [];
  for (const [type, spec] of attrs(data, 16)) {
    if (type !== IFLA_AF_SPEC) continue;
    for (const [t, v] of attrs(spec)) {
      if (t !== IFLA_BRIDGE_VLAN_INFO || v.length < 4) continue;
      const flags = readU16(v, 0);
      vlans.push({ vid: readU16(v, 2), pvid: (flags & BRIDGE_VLAN_INFO.PVID) !== 0, untagged: (flags & BRIDGE_VLAN_INFO.UNTAGGED) !== 0 });
    }
  }
  return { index, vlans };
}
