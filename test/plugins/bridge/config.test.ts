// parseBridgeConf: defaults, Go-style decoding, every validation with the reference's message,
// MAC precedence, and which checks apply to which verb.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectVlanTrunk, parseBridgeConf } from '../../../plugins/bridge/config.ts';
import { throwsCni } from '../../helpers/assert.ts';
import { parseJsonAsGo } from '../../../lib/cni/gosyntax.ts';

const base = { cniVersion: '1.0.0', name: 'net', type: 'bridge' };
const parse = (extra: object, args = '', command: 'ADD' | 'DEL' | 'CHECK' | 'GC' = 'ADD') => parseBridgeConf({ ...base, ...extra }, args, command);

test('parseBridgeConf fills the reference defaults', () => {
  const c = parse({ ipam: { type: 'host-local' } });
  assert.is(c.bridge, 'cni0');
  assert.is(c.isGateway, false);
  assert.is(c.ipMasq, false);
  assert.is(c.ipMasqBackend, undefined);
  assert.is(c.mtu, 0);
  assert.is(c.vlan, 0);
  assert.equal(c.vlans, []);
  assert.is(c.vlanFiltering, false);
  assert.is(c.preserveDefaultVlan, false);
  assert.is(c.ipamType, 'host-local');
  assert.is(c.dns, undefined);
  assert.is(c.mac, undefined);
});

test('parseBridgeConf: isDefaultGateway implies isGateway; keys match case-insensitively; null keeps defaults', () => {
  const c = parse({ isdefaultgateway: true, BRIDGE: 'br9', mtu: null, bridge: null });
  assert.is(c.isGateway, true);
  assert.is(c.isDefaultGateway, true);
  assert.is(c.mtu, 0);
  const d = parse({ bridge: null });
  assert.is(d.bridge, 'cni0');
});

test('parseBridgeConf: a wrong type is a code 7 error naming the field', () => {
  throwsCni(() => parse({ disableContainerInterface: 'true' }), 7, /disableContainerInterface/);
  throwsCni(() => parse({ mtu: 1500.5 }), 7, /mtu/);
});

test('parseBridgeConf: the VLAN ID must be 0-4094', () => {
  throwsCni(() => parse({ vlan: 5000 }), 7, 'invalid VLAN ID 5000 (must be between 0 and 4094)');
  throwsCni(() => parse({ vlan: -100 }), 7, 'invalid VLAN ID -100 (must be between 0 and 4094)');
  assert.is(parse({ vlan: 100 }).vlanFiltering, true);
});

test('collectVlanTrunk: ranges and single IDs, sorted and unique, with the reference messages', () => {
  assert.equal(collectVlanTrunk([{ id: 101 }, { minID: 200, maxID: 203 }, { id: 201 }]), [101, 200, 201, 202, 203]);
  assert.equal(collectVlanTrunk(undefined), []);
  const bad: [object, string][] = [
    [{ minID: 0, maxID: 3 }, 'incorrect trunk minID parameter'],
    [{ minID: 1, maxID: 4095 }, 'incorrect trunk maxID parameter'],
    [{ minID: 5, maxID: 3 }, 'minID is greater than maxID in trunk parameter'],
    [{ maxID: 3 }, 'minID and maxID should be configured simultaneously, minID is missing'],
    [{ minID: 3 }, 'minID and maxID should be configured simultaneously, maxID is missing'],
    [{ id: 0 }, 'incorrect trunk id parameter'],
    [{ id: 4095 }, 'incorrect trunk id parameter'],
  ];
  for (const [item, msg] of bad) throwsCni(() => parse({ vlanTrunk: [item] }), 7, msg);
});

test('parseBridgeConf: an empty vlanTrunk list still turns VLAN filtering on', () => {
  const c = parse({ vlanTrunk: [] });
  assert.is(c.vlanFiltering, true);
  assert.equal(c.vlans, []);
});

test('parseBridgeConf: MAC precedence is runtimeConfig > args.cni > CNI_ARGS', () => {
  const all = { runtimeConfig: { mac: '02:00:00:00:00:00' }, args: { cni: { mac: '02:00:00:00:07:89' } } };
  const env = 'IgnoreUnknown=1;MAC=02:00:00:00:04:56';
  assert.is(parse(all, env).mac, '02:00:00:00:00:00');
  assert.is(parse({ args: all.args }, env).mac, '02:00:00:00:07:89');
  assert.is(parse({}, env).mac, '02:00:00:00:04:56');
  // the reference test sends "RuntimeConfig" with a capital R
  assert.is(parse({ RuntimeConfig: { mac: '02:00:00:00:00:01' } }).mac, '02:00:00:00:00:01');
  throwsCni(() => parse({}, 'MAC=x;K8S_POD_NAME=y'), 4, 'ARGS: unknown args ["K8S_POD_NAME=y"]');
  throwsCni(() => parse({ runtimeConfig: { mac: 'nope' } }), 7, 'invalid MAC address "nope"');
});

test('parseBridgeConf: dns replaces IPAM DNS only when some field is set', () => {
  assert.is(parse({ dns: {} }).dns, undefined);
  assert.equal(parse({ dns: { nameservers: ['10.0.0.10'], search: ['x'] } }).dns, { nameservers: ['10.0.0.10'], search: ['x'] });
});

test('parseBridgeConf: ADD-time refusals, which DEL and GC do not make', () => {
  throwsCni(() => parse({ hairpinMode: true, promiscMode: true }), 7, 'cannot set hairpin mode and promiscuous mode at the same time');
  throwsCni(() => parse({ disableContainerInterface: true, ipam: { type: 'host-local' } }), 7, 'cannot use IPAM when DisableContainerInterface flag is set');
  throwsCni(() => parse({ ipMasqBackend: 'pf' }), 7, 'unknown ipmasq backend "pf"');
  throwsCni(() => parse({ cniVersion: '0.2.0' }), 1, 'cannot convert: no valid IP addresses');
  assert.is(parse({ hairpinMode: true, promiscMode: true, ipMasqBackend: 'pf' }, '', 'DEL').ipMasqBackend, undefined);
  assert.is(parse({ ipMasqBackend: 'nftables' }, '', 'GC').ipMasqBackend, 'nftables');
  assert.is(parse({ cniVersion: '0.2.0', ipam: { type: 'host-local' } }).ipamType, 'host-local');
});

test('parseBridgeConf: ADD refuses a bridge name the kernel would refuse, "" included, naming the field', () => {
  throwsCni(() => parse({ bridge: '' }), 7, 'bridge: interface name is empty ""');
  throwsCni(() => parse({ bridge: 'a-very-long-bridge' }), 7, /^bridge: interface name is too long/);
  throwsCni(() => parse({ bridge: 'br 0' }), 7, /^bridge: interface name contains/);
  assert.is(parse({ bridge: '' }, '', 'DEL').bridge, '');
  assert.is(parse({ bridge: null }).bridge, 'cni0');
});

test('parseBridgeConf: GC reads both attachment keys', () => {
  const att = [{ containerID: 'a', ifname: 'eth0' }];
  const want = [{ network: 'net', containerID: 'a', ifname: 'eth0' }];
  assert.equal(parse({ cniVersion: '1.1.0', 'cni.dev/attachments': att }, '', 'GC').validAttachments, want);
  assert.equal(parse({ cniVersion: '1.1.0', 'cni.dev/valid-attachments': att }, '', 'GC').validAttachments, want);
});

test('parseBridgeConf refuses the common NetConf fields of a wrong shape with code 7, naming the field', () => {
  throwsCni(() => parse({ dns: 'x' }), 7, 'invalid bridge config: field "dns" must be object, got "x"');
  throwsCni(() => parse({ capabilities: { portMappings: 'yes' } }), 7, 'invalid bridge config: field "capabilities.portMappings" must be boolean, got "yes"');
  throwsCni(() => parse({ ipam: [] }), 7, 'invalid bridge config: field "ipam" must be object, got []');
  throwsCni(() => parse({ args: 5 }), 7, 'invalid bridge config: field "args" must be object, got 5');
});

test('parseBridgeConf refuses an int written as 1500.0 or 1e3, or past int64, as Go does', () => {
  const text = (json: string) => () => parseBridgeConf(parseJsonAsGo(Buffer.from(`{"cniVersion":"1.0.0","name":"net","type":"bridge",${json}}`)), '', 'ADD');
  throwsCni(text('"mtu":1500.0'), 7, 'invalid bridge config: field "mtu" must be integer, got 1500.0');
  throwsCni(text('"vlan":1e1'), 7, 'invalid bridge config: field "vlan" must be integer, got 1e1');
  throwsCni(text('"vlanTrunk":[{"minID":1,"maxID":2.0}]'), 7, 'invalid bridge config: field "vlanTrunk[0].maxID" must be integer, got 2.0');
  throwsCni(text('"mtu":100000000000000000000'), 7, 'invalid bridge config: field "mtu" must be a 64-bit integer, got 100000000000000000000');
  throwsCni(text('"vlan":-9223372036854775809'), 7, /field "vlan" must be a 64-bit integer/);
  assert.is(text('"mtu":1400,"ipam":{"type":"host-local","subnet":"10.1.0.0/16"}')().mtu, 1400);
});

test.run();
