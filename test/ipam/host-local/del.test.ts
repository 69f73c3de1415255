// host-local DEL (and CHECK after it) over a memory store: what each frees, and legacy files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryStore } from '../../../ipam/host-local/store/memory.ts';
import { add } from '../../../ipam/host-local/add.ts';
import { check } from '../../../ipam/host-local/check.ts';
import { del } from '../../../ipam/host-local/del.ts';
import { deps, dual, req } from '../../helpers/host-local-verbs.ts';
import { rejection } from '../../helpers/assert.ts';

test('del frees the attachment only; check follows it', async () => {
  const s = memoryStore();
  await add(req(dual, 'a'), deps(s));
  await add(req(dual, 'a', 'eth1'), deps(s));
  await check(req(dual, 'a'), deps(s));
  await del(req(dual, 'a'), deps(s));
  assert.equal([...s.files.values()], ['a\r\neth1', 'a\r\neth1']);
  assert.is((await rejection(check(req(dual, 'a'), deps(s)))).message, 'host-local: Failed to find address added by container a');
  await del(req(dual, 'a'), deps(s));
});

test('del with several range sets also frees legacy files of the ID (the reference loops once per set)', async () => {
  const s = memoryStore();
  await add(req(dual, 'a'), deps(s));
  s.files.set('10.0.0.99', 'a');
  await del(req(dual, 'a'), deps(s));
  assert.is(s.files.size, 0);
});

test.run();
