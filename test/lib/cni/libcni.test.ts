// The stdin libcni builds for each plugin of a list, and how it reads a plugin's ADD output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildOneConfig, parseAddOutput } from '../../../lib/cni/libcni.ts';
import { confListFromBytes } from '../../../lib/cni/netconf.ts';

test('buildOneConfig injects name, cniVersion, prevResult and only the declared capabilities', () => {
  const list = confListFromBytes(Buffer.from('{"name":"net","cniVersion":"0.4.0","plugins":[{"type":"portmap","name":"ignored","capabilities":{"portMappings":true,"mac":false}}]}'));
  const prev = parseAddOutput(Buffer.from('{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}],"dns":{}}'), '0.4.0');
  const rt = { containerID: 'c', netns: '/n', ifname: 'eth0', capabilityArgs: { portMappings: [{ hostPort: 1, containerPort: 2, protocol: 'tcp' }], mac: 'x', other: 1 } };
  const out = buildOneConfig(list, list.plugins[0]!, prev, rt).toString();
  assert.is(
    out,
    '{"capabilities":{"mac":false,"portMappings":true},"cniVersion":"0.4.0","name":"net","prevResult":{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}],"dns":{}},"runtimeConfig":{"portMappings":[{"containerPort":2,"hostPort":1,"protocol":"tcp"}]},"type":"portmap"}',
  );
  const none = buildOneConfig(list, list.plugins[0]!, undefined, { containerID: 'c', netns: '/n', ifname: 'eth0' }).toString();
  assert.not.ok(none.includes('runtimeConfig') || none.includes('prevResult'));
});

test('parseAddOutput: a result without cniVersion takes the config version', () => {
  const r = parseAddOutput(Buffer.from('{"ips":[{"address":"10.0.0.2/24"}]}'), '1.0.0');
  assert.is(r.version, '1.0.0');
  assert.is(r.result.ips![0]!.address, '10.0.0.2/24');
});

test.run();
