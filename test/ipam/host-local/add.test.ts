// host-local ADD over a memory store: the result, and nothing reserved when it fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../lib/cni/errors.ts';
import { memoryStore } from '../../../ipam/host-local/store/memory.ts';
import { add } from '../../../ipam/host-local/add.ts';
import { deps, dual, req } from '../../helpers/host-local-verbs.ts';
import { rejection } from '../../helpers/assert.ts';

test('add returns a 1.1.0 result with one address per set and the routes; no dns without resolvConf', async () => {
  const s = memoryStore();
  const r = await add(req(dual), deps(s));
  assert.equal(r, {
    cniVersion: '1.1.0',
    ips: [
      { address: '10.0.0.2/24', gateway: '10.0.0.1' },
      { address: '2001:db8::2/64', gateway: '2001:db8::1' },
    ],
    routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }],
  });
});

test('add fails on a missing resolvConf before reserving anything, as an I/O error', async () => {
  const s = memoryStore();
  const e = await rejection(add(req({ ...dual, resolvConf: '/nonexistent/resolv.conf' }), deps(s)));
  assert.is((e as CniError).code, 5);
  assert.is(e.message, 'open /nonexistent/resolv.conf: no such file or directory');
  assert.is(s.files.size, 0);
});

test.run();
