// The doctor's cross-check, pure: from what one network's cache entries, reservations, bridge
// ports and firewall objects say, the problems found, each with the repair that goes through the
// plugins (a DEL of the chain, as libcni would send it) or the words for a person when none does.
import type { Reservation } from '../../../ipam/host-local/store/types.ts';
import type { AttachmentRef } from '../../../lib/cni/attachment.ts';
import { compareIP, parseIP } from '../../../lib/ip/index.ts';
import type { AttachmentView } from '../state/attachments.ts';
import type { FirewallObject } from '../state/firewall.ts';
import type { BridgePort } from '../state/ports.ts';

export interface NetworkState {
  readonly network: string;
  /** The list has a GC verb: cniVersion 1.1.0 or later, disableGC unset. */
  readonly gc: boolean;
  /** Its addresses come from host-local, whose reservations are listed. */
  readonly hostLocal: boolean;
  readonly cached: readonly (AttachmentView & { readonly netnsExists: boolean })[];
  readonly reservations: readonly Reservation[];
  readonly ports: readonly BridgePort[];
  /** This network's firewall objects. */
  readonly firewall: readonly FirewallObject[];
}

/**
 * A DEL of the whole chain, from the cache entry (prevResult, args, capabilities) or bare; or the
 * plugins' GC with every attachment that a cache entry or a reservation still names as valid.
 */
export type Repair =
  | { readonly kind: 'del-cached'; readonly containerID: string; readonly ifname: string }
  | { readonly kind: 'del'; readonly containerID: string; readonly ifname: string; readonly netns: string }
  | { readonly kind: 'gc' };

export interface Finding {
  readonly problem: string;
  /** What would repair it: what --fix does, or what a person should do. */
  readonly repair: string;
  readonly fix?: Repair;
}

const byAddress = (a: string, b: string): number => compareIP(parseIP(a)!, parseIP(b)!);

const key = (containerID: string, ifname: string): string => `${containerID}\n${ifname}`;

export function check(s: NetworkState): Finding[] {
  const out: Finding[] = [];
  const cachedIDs = new Set(s.cached.map((c) => c.containerID));
  const cachedKeys = new Set(s.cached.map((c) => key(c.containerID, c.ifname)));
  const reservedIDs = new Set(s.reservations.map((r) => r.holder.containerID));
  const claimed = new Set(s.cached.flatMap((c) => c.hostLinks));

  for (const c of s.cached) {
    if (c.netns === '' || c.netnsExists) continue;
    out.push({
      problem: `cache entry ${c.containerID} ${c.ifname}: its netns ${c.netns} is gone`,
      repair: `DEL of ${c.containerID} ${c.ifname} from its cache entry (releases ${[...c.addresses, ...c.hostPorts].join(', ') || 'its state'} and the entry)`,
      fix: { kind: 'del-cached', containerID: c.containerID, ifname: c.ifname },
    });
  }

  // A live attachment whose address host-local no longer holds for it: the next ADD may hand it out.
  const holderOf = new Map(s.reservations.map((r) => [r.ip, r.holder.containerID]));
  for (const c of s.hostLocal ? s.cached : []) {
    if (c.netns !== '' && !c.netnsExists) continue;
    for (const ip of c.addresses.map((a) => a.split('/')[0]!)) {
      const holder = holderOf.get(ip);
      if (holder === c.containerID) continue;
      out.push({
        problem: `cache entry ${c.containerID} ${c.ifname}: its address ${ip} is ${holder === undefined ? 'not reserved' : `reserved by ${holder}`} in host-local`,
        repair: 'none that keeps the container connected: re-create it (its DEL, then an ADD)',
      });
    }
  }

  // Reservations nobody cached, grouped per attachment (one per address family).
  const orphans = new Map<string, { containerID: string; ifname?: string; ips: string[] }>();
  for (const r of s.reservations) {
    const ifname = r.holder.kind === 'attachment' ? r.holder.ifname : undefined;
    const known = ifname === undefined ? cachedIDs.has(r.holder.containerID) : cachedKeys.has(key(r.holder.containerID, ifname));
    if (known) continue;
    const k = key(r.holder.containerID, ifname ?? '');
    const o = orphans.get(k) ?? { containerID: r.holder.containerID, ...(ifname !== undefined && { ifname }), ips: [] };
    o.ips.push(r.ip);
    orphans.set(k, o);
  }
  for (const o of orphans.values()) {
    o.ips.sort(byAddress);
    const ifname = o.ifname ?? 'eth0';
    const port = s.ports.find((p) => !claimed.has(p.veth) && p.peerIfname === ifname && o.ips.some((ip) => p.peerAddrs.includes(ip)));
    if (port) claimed.add(port.veth);
    const netns = port?.netns ?? '';
    out.push({
      problem: `reservation ${o.ips.join(', ')} of ${o.containerID} ${o.ifname ?? '(legacy, no ifname)'}: no cache entry, ${port ? `veth ${port.veth} to ${ifname} in ${netns || 'an unnamed netns'}` : 'no veth'}`,
      repair: `DEL of ${o.containerID} ${ifname}${netns ? ` in ${netns}` : ' without a netns'} (releases the addresses, the rules${port ? ' and the veth' : ''})`,
      fix: { kind: 'del', containerID: o.containerID, ifname, netns },
    });
  }

  // Firewall state of an attachment that has neither a cache entry nor a reservation.
  const strays = new Map<string, FirewallObject[]>();
  for (const f of s.firewall) {
    if (cachedIDs.has(f.containerID) || reservedIDs.has(f.containerID)) continue;
    strays.set(f.containerID, [...(strays.get(f.containerID) ?? []), f]);
  }
  for (const [containerID, objects] of strays) {
    const ifname = objects.find((o) => o.ifname !== undefined)?.ifname ?? 'eth0';
    // A DEL without the cached mappings leaves port mappings (portmap, like the reference, does
    // nothing without them); the plugins' GC removes whatever no valid attachment owns.
    out.push({
      problem: `${objects.map((o) => o.what).join(', ')} of ${containerID}: no reservation, no cache entry`,
      repair: s.gc ? `GC of the network's plugins with every cached or reserved attachment as valid` : `DEL of ${containerID} ${ifname} without a netns (removes its masquerade rules; port mappings need a GC, from cniVersion 1.1.0)`,
      fix: s.gc ? { kind: 'gc' } : { kind: 'del', containerID, ifname, netns: '' },
    });
  }

  for (const p of s.ports) {
    if (claimed.has(p.veth)) continue;
    const peer = p.peerIfname ? `${p.peerIfname}${p.peerAddrs.length ? ` (${p.peerAddrs.join(', ')})` : ''} in ${p.netns ?? 'this netns or an unnamed one'}` : 'a peer in an unnamed netns';
    out.push({
      problem: `veth ${p.veth} to ${peer}: no cache entry or reservation names it`,
      repair: `no plugin owns it: if no container uses it, \`ip link del ${p.veth}\``,
    });
  }
  return out;
}

/** What a GC must keep: every attachment a cache entry or a reservation names (a legacy reservation by its ID). */
export function validAttachments(s: NetworkState): AttachmentRef[] {
  const refs = [
    ...s.cached.map((c) => ({ containerID: c.containerID, ifname: c.ifname })),
    ...s.reservations.map((r) => ({ containerID: r.holder.containerID, ifname: r.holder.kind === 'attachment' ? r.holder.ifname : 'eth0' })),
  ];
  return [...new Map(refs.map((r) => [key(r.containerID, r.ifname), r])).values()];
}
