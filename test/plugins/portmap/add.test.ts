// ADD over fake forwarders: what it asks of the firewall, route_localnet and conntrack, in which
// order, and what it returns or throws.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ToolError } from '../../../lib/firewall/run.ts';
import { add } from '../../../plugins/portmap/add.ts';
import { fakes, request } from '../../helpers/portmap-fakes.ts';
import { rejection } from '../../helpers/assert.ts';

test('add: one forward per container address, route_localnet for the v4 one, then the flush per family', async () => {
  const f = fakes();
  const req = request('ADD');
  assert.is(await add(req, f.deps), req.config.prevResult);
  assert.equal([...f.log].sort(), ['flush 4 8080/tcp 5353/udp', 'flush 6 8080/tcp 5353/udp', 'iptables forward 10.0.0.2', 'iptables forward 2001:db8::2', 'localnet 10.0.0.2']);
  assert.equal(f.log.slice(-2), ['flush 4 8080/tcp 5353/udp', 'flush 6 8080/tcp 5353/udp']);
});

test('add: no route_localnet without snat or without a v4 address', async () => {
  const nosnat = fakes();
  await add(request('ADD', { snat: false }), nosnat.deps);
  assert.not.ok(nosnat.log.some((l) => l.startsWith('localnet')));
  const v6 = fakes();
  await add(request('ADD', { prevResult: { cniVersion: '1.1.0', ips: [{ address: '2001:db8::2/64' }] } }), v6.deps);
  assert.equal(v6.log, ['iptables forward 2001:db8::2', 'flush 6 8080/tcp 5353/udp']);
});

test('add: no mappings, or no address, is the previous result and no firewall work at all', async () => {
  for (const conf of [{ runtimeConfig: { portMappings: [] } }, { prevResult: { cniVersion: '1.1.0', ips: [] } }]) {
    const f = fakes();
    const req = request('ADD', conf);
    assert.is(await add(req, f.deps), req.config.prevResult);
    assert.equal(f.log, []);
  }
});

test('add: without a previous result it is code 7', async () => {
  const f = fakes();
  const err = await rejection(add(request('ADD', { prevResult: null }), f.deps));
  assert.is(err.code, 7);
  assert.is(err.message, 'must be called as chained plugin');
  assert.equal(f.log, []);
});

test('add: a failed forward is the error; the other family was tried, nothing was flushed', async () => {
  const boom = new Error('unable to setup DNAT: boom');
  const f = fakes({ fail: (_, line) => (line.includes('2001:db8::2') ? boom : undefined) });
  assert.is(await rejection(add(request('ADD'), f.deps)), boom);
  assert.ok(f.log.includes('iptables forward 10.0.0.2'));
  assert.ok(f.log.includes('localnet 10.0.0.2'));
  assert.not.ok(f.log.some((l) => l.startsWith('flush')));
});

test('add: the configured backend is used alone', async () => {
  const f = fakes();
  await add(request('ADD', { backend: 'nftables' }), f.deps);
  assert.equal(f.log.filter((l) => !l.startsWith('flush') && !l.startsWith('localnet')), ['nftables forward 10.0.0.2', 'nftables forward 2001:db8::2']);
});

test('add: unconfigured, a tool failure on an unusable iptables moves to nftables', async () => {
  const f = fakes({ usable: { iptables: false }, fail: (b) => (b === 'iptables' ? new ToolError('iptables-restore', 'iptables-restore: not found', null, '') : undefined) });
  await add(request('ADD'), f.deps);
  assert.ok(f.log.includes('nftables forward 10.0.0.2'));
  assert.ok(f.log.includes('nftables forward 2001:db8::2'));
});

test('add: a failed forward turns route_localnet back off and removes the rules of the other family', async () => {
  const boom = new Error('unable to setup DNAT: boom');
  const f = fakes({ fail: (_, line) => (line.includes('2001:db8::2') ? boom : undefined) });
  assert.is(await rejection(add(request('ADD'), f.deps)), boom);
  assert.equal(f.log.slice(-2), ['localnet restored 10.0.0.2', 'iptables unforward 4,6']);
});

test('add: a failed route_localnet removes the rules made', async () => {
  const f = fakes({ localnetFails: true });
  const err = await rejection(add(request('ADD'), f.deps));
  assert.is(err.message, 'unable to enable route_localnet: injected');
  assert.equal(f.log.slice(-1), ['iptables unforward 4,6']);
  assert.not.ok(f.log.some((l) => l.startsWith('flush')));
});

test('add: a failed rollback step is reported with the error that caused it', async () => {
  const f = fakes({ localnetFails: true, fail: (_, line) => (line.startsWith('unforward') ? new Error('iptables is gone') : undefined) });
  const err = await rejection(add(request('ADD'), f.deps));
  assert.is(err.message, 'unable to enable route_localnet: injected');
  assert.is(err.details, 'undo port forwards: iptables is gone');
});

test('add: conditions a firewall tool would refuse or misread are code 7, before any change', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ conditionsV4: ['--'] }, 'invalid conditionsV4: "--" is not an option name'],
    [{ conditionsV4: ['-s', '10.0.0.0/8', '-j', 'ACCEPT'] }, 'invalid conditionsV4: "-j" is an option portmap sets itself'],
    [{ conditionsV6: ['-p', 'udp'] }, 'invalid conditionsV6: "-p" is an option portmap sets itself'],
    [{ conditionsV4: ['-m', 'comment', '--comment', 'a"b'] }, 'invalid conditionsV4: "a\\"b" is not a plain word'],
    [{ conditionsV4: ['-s', '10.0.0.1\n-A INPUT'] }, 'invalid conditionsV4: "10.0.0.1\\n-A INPUT" is not a plain word'],
    [{ conditionsV4: ['-s', ''] }, 'invalid conditionsV4: "" is not a plain word'],
    [{ backend: 'nftables', conditionsV4: ['ip saddr 10.0.0.1 accept'] }, 'invalid conditionsV4: "ip saddr 10.0.0.1 accept" is a verdict'],
    [{ backend: 'nftables', conditionsV4: ['ip', 'saddr', '10.0.0.1;', 'flush', 'ruleset'] }, 'invalid conditionsV4: "10.0.0.1;" is not a plain word'],
    [{ backend: 'nftables', conditionsV4: ['ip saddr { 10.0.0.1'] }, 'invalid conditionsV4: "ip saddr { 10.0.0.1" leaves a brace open'],
    [{ backend: 'nftables', conditionsV6: ['meta', 'mark', '1', '#'] }, 'invalid conditionsV6: "#" is not a plain word'],
  ];
  for (const [conf, message] of cases) {
    const f = fakes();
    const err = await rejection(add(request('ADD', conf), f.deps));
    assert.is(err.code, 7, message);
    assert.is(err.message, message);
    assert.equal(f.log, [], `nothing ran for ${message}`);
  }
});

test('add: ordinary conditions pass', async () => {
  for (const conf of [
    { conditionsV4: ['!', '-s', '10.0.0.0/8', '-m', 'conntrack', '--ctstate', 'NEW,ESTABLISHED', '--dport=80', '-i', 'eth+'] },
    { conditionsV4: ['-m', 'comment', '--comment', 'two words'] },
    { backend: 'nftables', conditionsV4: ['ip saddr { 10.0.0.1, 10.0.0.2 }', 'meta', 'mark', '!=', '0x1'] },
  ]) {
    const f = fakes();
    await add(request('ADD', conf), f.deps);
    assert.ok(f.log.some((l) => / forward /.test(l)), `the rules were made for ${JSON.stringify(conf)}`);
  }
});

test.run();
