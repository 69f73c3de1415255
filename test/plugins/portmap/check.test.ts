// CHECK over fake forwarders: each address checked in turn, the first miss named by family.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../../../plugins/portmap/check.ts';
import { fakes, request } from '../../helpers/portmap-fakes.ts';
import { rejection } from '../../helpers/assert.ts';

test('check: every container address, in order', async () => {
  const f = fakes();
  await check(request('CHECK', { backend: 'nftables' }), f.deps);
  assert.equal(f.log, ['nftables check 10.0.0.2', 'nftables check 2001:db8::2']);
});

test('check: a miss names its family, and stops the check', async () => {
  const f = fakes({ fail: () => new Error('rule "-j X" in chain CNI-DN-1 not found in table nat') });
  const err = await rejection(check(request('CHECK'), f.deps));
  assert.is(err.message, 'could not check ipv4 dnat: rule "-j X" in chain CNI-DN-1 not found in table nat');
  assert.equal(f.log, ['iptables check 10.0.0.2']);
  const v6 = fakes({ fail: (_, line) => (line.includes('::') ? new Error('chain dn-x not found in table ip6 cni_hostport') : undefined) });
  assert.is((await rejection(check(request('CHECK'), v6.deps))).message, 'could not check ipv6 dnat: chain dn-x not found in table ip6 cni_hostport');
});

test('check: the previous result is required, even without mappings', async () => {
  const f = fakes();
  const err = await rejection(check(request('CHECK', { prevResult: null, runtimeConfig: {} }), f.deps));
  assert.is(err.code, 7);
  assert.is(err.message, 'Required prevResult missing');
});

test('check: no mappings, nothing to check', async () => {
  const f = fakes();
  await check(request('CHECK', { runtimeConfig: {} }), f.deps);
  assert.equal(f.log, []);
});

test.run();
