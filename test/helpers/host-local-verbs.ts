// host-local's verbs over a memory store: requests as a runtime would send them, and the store as
// the only dependency.
import type { Request } from '../../lib/cni/plugin.ts';
import { OFF } from '../../lib/obs/observer.ts';
import type { HostLocalConfig } from '../../ipam/host-local/config.ts';
import { loadConfig } from '../../ipam/host-local/config.ts';
import type { Deps } from '../../ipam/host-local/deps.ts';
import type { MemoryStore } from '../../ipam/host-local/store/memory.ts';

/** The store given, writable or not. */
export function deps(store: MemoryStore, writable = true): Deps {
  return {
    openStore: () => store,
    checkWritable: () => {
      if (!writable) throw new Error('mkdir /x: read-only file system');
    },
  };
}

/** A request for `ipam`, with the attachment and extra top-level keys. */
export function req(ipam: Record<string, unknown>, id = 'c1', ifname = 'eth0', extra: Record<string, unknown> = {}): Request<HostLocalConfig> {
  const raw = { cniVersion: '1.1.0', name: 'n', type: 'host-local', ipam: { type: 'host-local', ...ipam }, ...extra };
  return { command: 'ADD', containerID: id, netns: '/x', ifname, args: '', cniPath: [], stdin: Buffer.from(''), environ: {}, obs: OFF, config: loadConfig(raw, '') };
}

/** One IPv4 and one IPv6 range set, and a default route. */
export const dual = { ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '2001:db8::/64' }]], routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }] };
