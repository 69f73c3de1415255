// STATUS over fake forwarders: the configured backend alone decides; without one, either will do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { status } from '../../../plugins/portmap/status.ts';
import { fakes, request } from '../../helpers/portmap-fakes.ts';
import { rejection } from '../../helpers/assert.ts';

test('status: a configured backend that is usable, asked alone', async () => {
  for (const backend of ['iptables', 'nftables'] as const) {
    const f = fakes();
    await status(request('STATUS', { backend }), f.deps);
    assert.equal(f.log, [`${backend} usable`]);
  }
});

test('status: a configured backend that is not usable is code 50 with its reason', async () => {
  for (const backend of ['iptables', 'nftables'] as const) {
    const f = fakes({ usable: { [backend]: false } });
    const err = await rejection(status(request('STATUS', { backend }), f.deps));
    assert.is(err.code, 50);
    assert.is(err.message, `${backend} is not usable here`);
  }
});

test('status: unconfigured, one usable backend is enough', async () => {
  for (const usable of [{ iptables: false }, { nftables: false }]) {
    const f = fakes({ usable });
    assert.is(await status(request('STATUS'), f.deps), undefined);
    assert.equal(f.log.sort(), ['iptables usable', 'nftables usable']);
  }
});

test('status: unconfigured, neither usable is code 50', async () => {
  const err = await rejection(status(request('STATUS'), fakes({ usable: { iptables: false, nftables: false } }).deps));
  assert.is(err.code, 50);
  assert.is(err.message, 'neither iptables nor nftables is usable');
});

test.run();
