// host-local STATUS over a memory store: code 50 once a range set is exhausted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../lib/cni/errors.ts';
import { memoryStore } from '../../../ipam/host-local/store/memory.ts';
import { add } from '../../../ipam/host-local/add.ts';
import { deps, req } from '../../helpers/host-local-verbs.ts';
import { status } from '../../../ipam/host-local/status.ts';
import { rejection } from '../../helpers/assert.ts';

test('status: 50 as soon as one set is exhausted (an ADD needs every set), or when the data directory cannot be written', async () => {
  const s = memoryStore();
  const two = { ranges: [[{ subnet: '10.0.0.0/30' }], [{ subnet: '10.0.1.0/29' }]] };
  await status(req(two), deps(s));
  await add(req(two, 'a'), deps(s));
  const one = (await rejection(status(req(two), deps(s)))) as CniError;
  assert.equal([one.code, one.message], [50, 'no IP addresses available in range set: 10.0.0.1-10.0.0.2']);
  for (const id of ['b', 'c', 'd', 'e']) s.files.set(`10.0.1.${id.charCodeAt(0) - 95}`, `${id}\r\neth0`);
  const e = (await rejection(status(req(two), deps(s)))) as CniError;
  assert.equal([e.code, e.message], [50, 'no IP addresses available in range set: 10.0.0.1-10.0.0.2; no IP addresses available in range set: 10.0.1.1-10.0.1.6']);
  const w = (await rejection(status(req(two), deps(memoryStore(), false)))) as CniError;
  assert.equal([w.code, w.message], [50, 'data directory is not writable: mkdir /x: read-only file system']);
});

test.run();
