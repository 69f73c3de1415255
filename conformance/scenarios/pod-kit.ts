// A whole pod the way a runtime chains it: bridge (+ host-local) then portmap with the bridge
// result as prevResult, plus a "client" namespace wired to the host namespace (198.51.100.0/24)
// to reach the host's ports from outside.
import type { Ctx } from '../harness/context.ts';
import type { Mapping } from './portmap-kit.ts';

export interface Pod {
  readonly id: string;
  readonly ctr: { name: string; path: string };
  readonly result: Record<string, unknown>;
  del(): Promise<void>;
}

export interface PodNet {
  readonly host: string;
  readonly client: string;
  readonly hostIP: string;
  bridgeConf(): Record<string, unknown>;
  portmapConf(mappings: Mapping[], prev: Record<string, unknown>, extra?: Record<string, unknown>): Record<string, unknown>;
  add(id: string, mappings: Mapping[], extra?: Record<string, unknown>): Promise<Pod>;
}

export async function podNet(t: Ctx, name = 'podnet'): Promise<PodNet> {
  const host = await t.hostNs();
  const client = (await t.netns('cnic-client')).name;
  const dataDir = t.tmpdir();
  await t.sh(host, 'ip', 'link', 'add', 'uplink0', 'type', 'veth', 'peer', 'name', 'uplink1', 'netns', client);
  await t.sh(host, 'ip', 'addr', 'add', '198.51.100.1/24', 'dev', 'uplink0');
  await t.sh(host, 'ip', 'link', 'set', 'uplink0', 'up');
  await t.sh(client, 'ip', 'addr', 'add', '198.51.100.2/24', 'dev', 'uplink1');
  await t.sh(client, 'ip', 'link', 'set', 'uplink1', 'up');
  await t.sh(client, 'ip', 'route', 'add', 'default', 'via', '198.51.100.1');
  const bridgeConf = () => ({
    cniVersion: t.version,
    name,
    type: 'bridge',
    bridge: 'cni-pod0',
    isDefaultGateway: true,
    ipMasq: true,
    // Hairpin through a bridge (container -> hostIP:hostPort -> same container) needs the port in
    // hairpin mode when br_netfilter handles the DNAT; the reference's own test uses ptp instead.
    hairpinMode: true,
    ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.1.2.0/24' }]] },
  });
  const portmapConf = (mappings: Mapping[], prev: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    cniVersion: t.version,
    name,
    type: 'portmap',
    runtimeConfig: { portMappings: mappings },
    prevResult: prev,
    ...extra,
  });
  return {
    host,
    client,
    hostIP: '198.51.100.1',
    bridgeConf,
    portmapConf,
    add: async (id, mappings, extra = {}) => {
      const ctr = await t.netns();
      const br = bridgeConf();
      const result = t.ok(await t.exec('bridge', { command: 'ADD', containerId: id, netns: ctr.path, stdin: br }), 'bridge ADD')!;
      const pm = portmapConf(mappings, result, extra);
      const out = t.ok(await t.exec('portmap', { command: 'ADD', containerId: id, netns: ctr.path, stdin: pm }), 'portmap ADD')!;
      const del = async () => {
        t.ok(await t.exec('portmap', { command: 'DEL', containerId: id, netns: ctr.path, stdin: pm }), 'portmap DEL');
        t.ok(await t.exec('bridge', { command: 'DEL', containerId: id, netns: ctr.path, stdin: { ...br, prevResult: out } }), 'bridge DEL');
      };
      return { id, ctr, result: out, del };
    },
  };
}
