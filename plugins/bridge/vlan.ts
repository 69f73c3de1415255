// VLANs on a bridge port, as the reference's setupVeth: existing VIDs dropped unless
// preserveDefaultVlan, the access VLAN as PVID + untagged, trunk VIDs tagged, and VID 1 native
// when there is a trunk but no access VLAN.
import type { Netlink } from '../../lib/net/index.ts';
import type { PortVlan } from '../../lib/net/index.ts';

export interface VlanPlan {
  readonly vlan: number;
  readonly vlans: readonly number[];
  readonly preserveDefaultVlan: boolean;
}

/** The VIDs to add, in order. Pure. */
export function portVlans(p: VlanPlan): PortVlan[] {
  const out: PortVlan[] = [];
  if (p.vlan !== 0) out.push({ vid: p.vlan, pvid: true, untagged: true });
  for (const vid of p.vlans) out.push({ vid, pvid: false, untagged: false });
  if (p.vlan === 0 && p.vlans.length > 0) out.push({ vid: 1, pvid: true, untagged: true });
  return out;
}

export const wantsVlans = (p: VlanPlan): boolean => p.vlan !== 0 || p.vlans.length > 0;

export async function setupPortVlans(nl: Netlink, index: number, name: string, p: VlanPlan): Promise<void> {
  if (!wantsVlans(p)) return;
  if (!p.preserveDefaultVlan) {
    try {
      const ports = await nl.listPortVlans();
      for (const v of ports.find((x) => x.index === index)?.vlans ?? []) await nl.deletePortVlan(index, v);
    } catch (err) {
      throw new Error(`failed to remove default vlan on interface "${name}": ${(err as Error).message}`, { cause: err });
    }
  }
  for (const v of portVlans(p)) {
    await nl.addPortVlan(index, v).catch((err: Error) => {
      throw new Error(`failed to setup vlan tag ${v.vid} on interface "${name}": ${err.message}`, { cause: err });
    });
  }
}
