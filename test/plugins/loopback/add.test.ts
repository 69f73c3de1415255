// loopback ADD against a fake kernel: lo up, its addresses reported in every spec version's
// layout, a prevResult passed on, a foreign address refused with lo left as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatResult } from '../../../lib/cni/print.ts';
import { SUPPORTED_VERSIONS } from '../../../lib/cni/version.ts';
import { add } from '../../../plugins/loopback/add.ts';
import { rejection } from '../../helpers/assert.ts';
import { isUp, loRequest, loWorld, NETNS } from '../../helpers/loopback.ts';

const LO = { name: 'lo', mac: '00:00:00:00:00:00', sandbox: NETNS };

test('add: brings lo up and reports its first v4 and v6 address on the lo interface', async () => {
  const w = await loWorld();
  const r = await add(loRequest('ADD'), w.deps);
  assert.ok(isUp(w));
  assert.equal(r, {
    cniVersion: '1.1.0',
    interfaces: [LO],
    ips: [
      { interface: 0, address: '127.0.0.1/8' },
      { interface: 0, address: '::1/128' },
    ],
  });
  assert.is(w.kernel.open, 0, 'the netlink handle is closed');
});

test('add: the result in the layout of every spec version', async () => {
  const w = await loWorld();
  for (const v of SUPPORTED_VERSIONS) {
    const out = JSON.parse(formatResult(await add(loRequest('ADD', { cniVersion: v }), w.deps), v));
    assert.is(out.cniVersion, v);
    if (v === '0.1.0' || v === '0.2.0') {
      assert.equal(out, { cniVersion: v, ip4: { ip: '127.0.0.1/8' }, ip6: { ip: '::1/128' }, dns: {} }, v);
    } else if (v.startsWith('0.')) {
      assert.equal(out.interfaces, [LO], v);
      assert.equal(out.ips, [
        { version: '4', interface: 0, address: '127.0.0.1/8' },
        { version: '6', interface: 0, address: '::1/128' },
      ], v);
    } else {
      assert.equal(out.interfaces, [LO], v);
      assert.equal(out.ips, [
        { interface: 0, address: '127.0.0.1/8' },
        { interface: 0, address: '::1/128' },
      ], v);
    }
  }
});

test('add: without IPv6 (or any address) only what lo has is reported', async () => {
  assert.equal((await add(loRequest('ADD'), (await loWorld(['127.0.0.1/8'])).deps)).ips, [{ interface: 0, address: '127.0.0.1/8' }]);
  const bare = await add(loRequest('ADD'), (await loWorld([])).deps);
  assert.equal(bare, { cniVersion: '1.1.0', interfaces: [LO] });
});

test('add: a prevResult is passed on unchanged, lo still brought up', async () => {
  const w = await loWorld();
  const prev = { cniVersion: '1.1.0', interfaces: [{ name: 'eth0', sandbox: NETNS }], ips: [{ interface: 0, address: '10.1.2.2/24', gateway: '10.1.2.1' }], dns: { nameservers: ['10.1.2.1'] } };
  const r = await add(loRequest('ADD', { prevResult: prev }), w.deps);
  assert.equal(r, prev);
  assert.ok(isUp(w));
});

test('add: a non-loopback address on lo is refused, and lo goes back down', async () => {
  const w = await loWorld(['127.0.0.1/8', '10.9.9.9/32']);
  const err = await rejection(add(loRequest('ADD'), w.deps));
  assert.is(err.message, 'loopback interface found with non-loopback address "10.9.9.9"');
  assert.not.ok(isUp(w));
  const w6 = await loWorld(['127.0.0.1/8', '::1/128', '2001:db8::1/128']);
  assert.is((await rejection(add(loRequest('ADD'), w6.deps))).message, 'loopback interface found with non-loopback address "2001:db8::1"');
});

test('add: lo that was up stays up when refused; any 127/8 address is a loopback one', async () => {
  const w = await loWorld(['127.0.0.1/8', '127.5.5.5/32', '192.0.2.1/32']);
  w.kernel.find(NETNS, 'lo')!.up = true;
  await rejection(add(loRequest('ADD'), w.deps));
  assert.ok(isUp(w));
  const ok = await loWorld(['127.0.0.1/8', '127.5.5.5/32']);
  assert.equal((await add(loRequest('ADD'), ok.deps)).ips, [{ interface: 0, address: '127.0.0.1/8' }]);
});

test('add: a failure to put lo back down is reported after the refusal', async () => {
  const w = await loWorld(['10.9.9.9/32']);
  w.kernel.log.failOn = 'ctr.changeLink lo';
  const err = await rejection(add(loRequest('ADD'), w.deps));
  assert.is(err.message, 'loopback interface found with non-loopback address "10.9.9.9"');
  assert.match(err.details ?? '', 'injected failure of ctr.changeLink lo');
});

test('add: a missing netns fails with the open error and changes nothing', async () => {
  const w = await loWorld();
  const err = await rejection(add(loRequest('ADD', {}, '/run/netns/gone'), w.deps));
  assert.match(err.message, 'failed to open netns "/run/netns/gone"');
  assert.not.ok(isUp(w));
});

test.run();
