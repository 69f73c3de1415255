import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../lib/cni/errors.ts';
import { conditionsBackend, containerIPs, loadConfig } from '../../../plugins/portmap/config.ts';
import { portmap as plugin } from '../../../plugins/portmap/plugin.ts';
import type { CmdEnv } from '../../../lib/cni/env.ts';
import { parseJsonAsGo } from '../../../lib/cni/gosyntax.ts';

const base = { cniVersion: '1.0.0', name: 'test', type: 'portmap' };
const pm = (portMappings: unknown[], extra: object = {}): object => ({ ...base, runtimeConfig: { portMappings }, ...extra });

function fails(raw: unknown, msg: string | RegExp): void {
  try {
    loadConfig(raw, 'eth0');
  } catch (err) {
    assert.instance(err, CniError);
    assert.is((err as CniError).code, 7);
    if (typeof msg === 'string') assert.is((err as Error).message, msg);
    else assert.match((err as Error).message, msg);
    return;
  }
  assert.unreachable(`accepted ${JSON.stringify(raw)}`);
}

test('loadConfig: defaults as the reference (snat on, masqAll off, mark bit 13, backend undecided)', () => {
  const c = loadConfig(base, 'eth0');
  assert.equal(c.options, { snat: true, masqAll: false, markMasqBit: 13 });
  assert.is(c.backend, undefined);
  assert.equal(c.mappings, []);
  assert.is(c.prevResult, undefined);
});

test('loadConfig: mappings are read case-insensitively; protocol lower-cased; hostIP canonical', () => {
  const c = loadConfig({ ...base, RuntimeConfig: { portmappings: [{ HostPort: 8080, containerPort: 80, protocol: 'TCP', hostIP: '::ffff:192.168.0.2' }] } }, 'eth0');
  assert.equal(c.mappings, [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: { text: '192.168.0.2', family: 4, unspecified: false } }]);
});

test('loadConfig: port numbers, with the reference messages and a 65535 limit', () => {
  fails(pm([{ hostPort: 0, containerPort: 80, protocol: 'tcp' }]), 'Invalid host port number: 0');
  fails(pm([{ hostPort: 8080, containerPort: 0, protocol: 'tcp' }]), 'Invalid container port number: 0');
  fails(pm([{ hostPort: 70000, containerPort: 80, protocol: 'tcp' }]), 'Invalid host port number: 70000');
  fails(pm([{ hostPort: 80, containerPort: 65536, protocol: 'tcp' }]), 'Invalid container port number: 65536');
  fails(pm([{ containerPort: 80, protocol: 'tcp' }]), 'Invalid host port number: 0');
});

test('loadConfig: protocol limited to tcp/udp/sctp; empty means tcp', () => {
  fails(pm([{ hostPort: 1, containerPort: 1, protocol: 'icmp' }]), /Invalid protocol: "icmp"/);
  assert.is(loadConfig(pm([{ hostPort: 1, containerPort: 1 }]), 'eth0').mappings[0]!.protocol, 'tcp');
  assert.is(loadConfig(pm([{ hostPort: 1, containerPort: 1, protocol: 'SCTP' }]), 'eth0').mappings[0]!.protocol, 'sctp');
});

test('loadConfig: a hostIP must be an address', () => {
  fails(pm([{ hostPort: 1, containerPort: 1, protocol: 'tcp', hostIP: 'nope' }]), 'Invalid host IP: nope');
});

test('loadConfig: markMasqBit range and exclusivity with externalSetMarkChain', () => {
  fails({ ...base, markMasqBit: 32 }, 'MasqMarkBit must be between 0 and 31');
  fails({ ...base, markMasqBit: -1 }, 'MasqMarkBit must be between 0 and 31');
  fails({ ...base, markMasqBit: 5, externalSetMarkChain: 'X' }, 'Cannot specify externalSetMarkChain and markMasqBit');
  assert.is(loadConfig({ ...base, markMasqBit: null, externalSetMarkChain: 'X' }, 'eth0').options.externalSetMarkChain, 'X');
});

test('loadConfig: backend-specific options against an explicit backend', () => {
  fails({ ...base, backend: 'nftables', externalSetMarkChain: 'X', conditionsV4: ['-d', '1.2.3.4'], conditionsV6: ['!', '-d'] },
    'nftables backend was requested but configuration contains iptables-specific options [externalSetMarkChain conditionsV4 conditionsV6]');
  fails({ ...base, backend: 'iptables', conditionsV4: ['ip', 'saddr', '1.2.3.4'] },
    'iptables backend was requested but configuration contains nftables-specific options [conditionsV4]');
  fails({ ...base, backend: 'pf' }, 'unrecognized backend "pf"');
  assert.is(loadConfig({ ...base, backend: 'nftables', conditionsV4: ['a', 'b'] }, 'eth0').backend, 'nftables');
});

test('conditionsBackend: the first token decides, empty decides nothing', () => {
  assert.is(conditionsBackend(['-m', 'x']), 'iptables');
  assert.is(conditionsBackend(['!', 'x']), 'iptables');
  assert.is(conditionsBackend(['iifname', 'eth0']), 'nftables');
  assert.is(conditionsBackend(['']), undefined);
  assert.is(conditionsBackend([]), undefined);
  assert.is(conditionsBackend(undefined), undefined);
});

test('containerIPs: first of each family, skipping other interfaces and the host side', () => {
  const prev = {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'cni0' }, { name: 'veth1' }, { name: 'eth0', sandbox: '/var/run/netns/x' }, { name: 'eth1', sandbox: '/x' }],
    ips: [
      { interface: 0, address: '10.0.0.1/24' },
      { interface: 3, address: '10.9.0.2/24' },
      { interface: 2, address: '10.0.0.2/24' },
      { interface: 2, address: '10.0.0.3/24' },
      { address: '2001:db8::2/64' },
    ],
  };
  assert.equal(containerIPs(prev, 'eth0'), [
    { family: 4, address: '10.0.0.2', cidr: '10.0.0.2/24' },
    { family: 6, address: '2001:db8::2', cidr: '2001:db8::2/64' },
  ]);
  assert.equal(containerIPs(prev, 'eth1').map((i) => i.address), ['10.9.0.2', '2001:db8::2']);
});

test('loadConfig: prevResult of an older version is converted', () => {
  const c = loadConfig({ ...base, cniVersion: '0.3.1', prevResult: { cniVersion: '0.3.1', ips: [{ version: '4', address: '10.0.0.2/24' }] } }, 'eth0');
  assert.equal(c.containerIPs, [{ family: 4, address: '10.0.0.2', cidr: '10.0.0.2/24' }]);
});

test('loadConfig: valid attachments from either key', () => {
  assert.equal(loadConfig({ ...base, 'cni.dev/attachments': [{ containerID: 'a', ifname: 'eth0' }] }, 'eth0').validAttachments, [{ network: 'test', containerID: 'a', ifname: 'eth0' }]);
});

const env = (command: string): CmdEnv => ({ command, containerID: 'c', netns: '', ifname: 'eth0', args: '', path: '', netnsOverride: '' });

test('plugin.parseConfig: ADD and DEL errors carry the reference prefix, CHECK errors not', () => {
  const raw = pm([{ hostPort: 0, containerPort: 80, protocol: 'tcp' }]);
  assert.throws(() => plugin.parseConfig(raw, env('ADD'), 'ADD'), /^failed to parse config: Invalid host port number: 0$/);
  assert.throws(() => plugin.parseConfig(raw, env('DEL'), 'DEL'), /^failed to parse config: Invalid host port number: 0$/);
  assert.throws(() => plugin.parseConfig(raw, env('CHECK'), 'CHECK'), /^Invalid host port number: 0$/);
});

test('loadConfig refuses the common NetConf fields of a wrong shape, naming the field', () => {
  fails({ ...base, capabilities: { portMappings: 'yes' } }, 'invalid portmap config: field "capabilities.portMappings" must be boolean, got "yes"');
  fails({ ...base, ipam: [] }, 'invalid portmap config: field "ipam" must be object, got []');
  fails({ ...base, dns: { search: [1] } }, 'invalid portmap config: field "dns.search[0]" must be string, got 1');
  fails({ ...base, runtimeConfig: 5 }, 'invalid portmap config: field "runtimeConfig" must be object, got 5');
  // PortMapConf declares no args: Go ignores them.
  assert.ok(loadConfig({ ...base, args: 5 }, 'eth0'));
});

test('loadConfig refuses a port written as 80.0, as Go does', () => {
  const raw = parseJsonAsGo(Buffer.from('{"cniVersion":"1.0.0","name":"test","type":"portmap","runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80.0,"protocol":"tcp"}]}}'));
  fails(raw, 'invalid portmap config: field "runtimeConfig.portMappings[0].containerPort" must be integer, got 80.0');
});

test.run();
