// host-local GC over a memory store: valid attachments and legacy files of valid IDs are kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../lib/cni/errors.ts';
import { memoryStore, type MemoryStore } from '../../../ipam/host-local/store/memory.ts';
import { add } from '../../../ipam/host-local/add.ts';
import { gc } from '../../../ipam/host-local/gc.ts';
import { deps, dual, req } from '../../helpers/host-local-verbs.ts';
import { rejection } from '../../helpers/assert.ts';

test('gc keeps valid attachments and legacy files of valid IDs', async () => {
  const s = memoryStore();
  for (const id of ['k', 'x']) await add(req(dual, id), deps(s));
  s.files.set('10.0.0.98', 'k');
  s.files.set('10.0.0.99', 'x');
  await gc(req(dual, 'k', 'eth0', { 'cni.dev/valid-attachments': [{ containerID: 'k', ifname: 'eth0' }] }), deps(s));
  assert.equal([...s.files.keys()].sort(), ['10.0.0.2', '10.0.0.98', '2001:db8::2']);
});

test('gc frees what it can and reports every failure in one error', async () => {
  const s = memoryStore();
  for (const id of ['a', 'b', 'c']) await add(req(dual, id), deps(s));
  const failing: MemoryStore = {
    ...s,
    releaseIP(ip) {
      if (!ip.includes(':')) throw new CniError(5, `remove ${ip}: permission denied`);
      s.releaseIP(ip);
    },
  };
  const err = (await rejection(gc(req(dual, 'a', 'eth0', { 'cni.dev/valid-attachments': [] }), deps(failing)))) as CniError;
  assert.equal([err.code, err.message, err.details], [5, 'remove 10.0.0.2: permission denied', 'remove 10.0.0.3: permission denied; remove 10.0.0.4: permission denied']);
  assert.equal([...s.files.keys()].sort(), ['10.0.0.2', '10.0.0.3', '10.0.0.4']);
});

test.run();
