// Fixed scenarios: where cni-ts deliberately differs from the reference plugins (a reference bug
// fixed), each with the reason beside it. They run on any bin dir; the Go plugins fail them.
import { deepStrictEqual as eq, ok } from 'node:assert/strict';
import type { Ctx } from '../harness/context.ts';
import { from, type Scenario } from '../types.ts';
import { bridgeKit } from './bridge-kit.ts';
import { hostLocal, v4 } from './host-local-kit.ts';

const fixed = (id: string, area: Scenario['area'], title: string, plugins: string[], versions: Scenario['versions'], reason: string, run: (t: Ctx) => Promise<void>): Scenario => ({
  id,
  area,
  title,
  plugins,
  versions,
  family: 'fixed',
  reason,
  run,
});

export const fixedScenarios: Scenario[] = [
  fixed('F1', 'bridge', 'CHECK of an L2 bridge (no IPAM) passes after ADD', ['bridge'], from('0.4.0'),
    'the reference CHECK delegates to an empty IPAM type and always fails with "no plugin name provided" (REFERENCE-PLUGINS 2.4, multus#419)',
    async (t) => {
      const b = await bridgeKit(t);
      const conf = b.conf({}, null);
      const r = t.ok(await b.call('ADD', conf))!;
      eq((await b.call('CHECK', { ...conf, prevResult: r })).code, 0);
    }),
  fixed('F2', 'host-local', 'GC releases every reservation whose attachment is not valid, keeps the valid ones', ['host-local'], ['1.1.0'],
    'the reference host-local does not implement GC (plugins#1047): leaked IPs are never reclaimed',
    async (t) => {
      const h = await hostLocal(t);
      const conf = h.conf({ ranges: [v4('10.1.2.0/24')] });
      for (const id of ['keep', 'stale']) t.ok(await h.call('ADD', conf, { containerId: id }));
      const gc = { ...conf, 'cni.dev/valid-attachments': [{ containerID: 'keep', ifname: 'eth0' }], 'cni.dev/attachments': [{ containerID: 'keep', ifname: 'eth0' }] };
      t.ok(await t.exec('host-local', { command: 'GC', containerId: null, ifname: null, stdin: gc }));
      eq(h.files().filter((f) => f.startsWith('10.')), ['10.1.2.2']);
      eq(h.read('10.1.2.2'), 'keep\r\neth0');
    }),
  fixed('F3', 'bridge', 'DEL with an empty CNI_NETNS still removes the ipMasq rules (from prevResult)', ['bridge', 'host-local'], from('0.4.0'),
    'the reference skips ipMasq teardown when CNI_NETNS is empty, so nerdctl/ctr leak the CNI-* chain (plugins#810)',
    async (t) => {
      const b = await bridgeKit(t);
      const conf = b.conf({ isGateway: true, ipMasq: true });
      const r = t.ok(await b.call('ADD', conf))!;
      t.ok(await b.call('DEL', { ...conf, prevResult: r }, { netns: '' }));
      const nat = await t.sh(b.host, 'iptables-save', '-t', 'nat');
      ok(!nat.includes('id: \\"dummy\\"'), nat);
      eq(b.ipamFiles(), []);
    }),
];
