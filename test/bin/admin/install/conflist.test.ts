// The conflist install writes: its exact shape for each option, its marker and its name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CONFLIST_NAME, conflist, conflistText, isOurConflist, shadowingFiles } from '../../../../bin/admin/install/conflist.ts';
import type { NetworkOptions } from '../../../../bin/admin/install/conflist.ts';

const base: NetworkOptions = {
  network: 'cni-ts',
  bridge: 'cni0',
  podCidrs: [{ family: 4, subnet: '10.244.1.0/24' }],
  portmap: true,
  cniVersion: '1.1.0',
};

test('conflist: the version asked for (1.0.0 for a libcni before 1.2)', () => {
  assert.is((conflist({ ...base, cniVersion: '1.0.0' }) as { cniVersion: string }).cniVersion, '1.0.0');
});

test('conflist: bridge (gateway, masquerade, hairpin) + host-local + portmap, version 1.1.0, marked', () => {
  assert.equal(conflist(base), {
    cniVersion: '1.1.0',
    name: 'cni-ts',
    managedBy: 'cni-ts install',
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  });
});

test('conflist: one range set per CIDR, a default route per family, mtu and dataDir when given', () => {
  const c = conflist({
    ...base,
    podCidrs: [
      { family: 6, subnet: 'fd00::/64' },
      { family: 4, subnet: '10.244.1.0/24' },
    ],
    mtu: 1400,
    dataDir: '/run/cni-ts',
  }) as { plugins: { mtu?: number; ipam: object }[] };
  assert.is(c.plugins[0]!.mtu, 1400);
  assert.equal(c.plugins[0]!.ipam, {
    type: 'host-local',
    ranges: [[{ subnet: 'fd00::/64' }], [{ subnet: '10.244.1.0/24' }]],
    routes: [{ dst: '0.0.0.0/0' }, { dst: '::/0' }],
    dataDir: '/run/cni-ts',
  });
});

test('conflist: --no-portmap leaves bridge alone in the chain', () => {
  const c = conflist({ ...base, portmap: false }) as { plugins: { type: string }[] };
  assert.equal(c.plugins.map((p) => p.type), ['bridge']);
});

test('conflistText: stable text ending in a newline, recognised as ours', () => {
  const text = conflistText(base);
  assert.is(text, conflistText({ ...base }));
  assert.ok(text.endsWith('}\n'));
  assert.ok(isOurConflist(text));
});

test('isOurConflist: only a JSON object with the marker', () => {
  assert.not.ok(isOurConflist('{"cniVersion":"1.0.0","name":"podman","plugins":[]}'));
  assert.not.ok(isOurConflist('{"managedBy":"someone else"}'));
  assert.not.ok(isOurConflist('not json'));
  assert.not.ok(isOurConflist('null'));
});

test('shadowingFiles: the CNI config files that sort before ours, nothing else', () => {
  assert.is(CONFLIST_NAME, '00-cni-ts.conflist');
  assert.equal(shadowingFiles(['10-containerd-net.conflist', '87-podman-bridge.conflist', CONFLIST_NAME, '000-a.conf', '00-a.conf', '0-b.json', '-c.txt', '.d.conflist']), [
    '.d.conflist',
    '0-b.json',
    '00-a.conf',
  ]);
});

test.run();
