// What the bin dir and the kernel offer, probed once per run: each plugin's presence and the spec
// versions it announces (VERSION), and whether nftables and IPv6 work in a fresh namespace.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { createNetns, deleteNetns } from './netns.ts';
import { run } from './proc.ts';

export interface PluginInfo {
  readonly present: boolean;
  readonly versions: readonly string[];
}

export async function probePlugin(cniPath: string, name: string): Promise<PluginInfo> {
  const file = join(cniPath, name);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return { present: false, versions: [] };
  }
  const r = await run(file, [], { env: { PATH: process.env.PATH, CNI_COMMAND: 'VERSION' }, input: '{"cniVersion":"1.1.0"}', timeoutMs: 20_000 });
  try {
    const v = JSON.parse(r.stdout) as { supportedVersions?: unknown };
    return { present: true, versions: Array.isArray(v.supportedVersions) ? v.supportedVersions.map(String) : [] };
  } catch {
    return { present: true, versions: [] };
  }
}

export async function probeKernel(): Promise<{ nftables: boolean; ipv6: boolean; vlan: boolean }> {
  const ns = await createNetns('cnic-probe');
  try {
    const nft = await run('ip', ['netns', 'exec', ns, 'nft', 'add', 'table', 'inet', 'cnic_probe']);
    const v6 = await run('ip', ['-n', ns, '-6', 'addr', 'add', '2001:db8:ffff::1/64', 'dev', 'lo']);
    // Bridge VLAN filtering is missing from some kernels ("Operation not supported").
    const vlan = await run('ip', ['-n', ns, 'link', 'add', 'cnic-vf0', 'type', 'bridge', 'vlan_filtering', '1']);
    return { nftables: nft.code === 0, ipv6: v6.code === 0, vlan: vlan.code === 0 };
  } finally {
    await deleteNetns(ns);
  }
}
