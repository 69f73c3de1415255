// The store's flock: a lock held too long gives "try again later", and a lock file removed while
// we waited is noticed. Needs the native addon (`make native`).
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../../lib/cni/errors.ts';
import { openLock } from '../../../../ipam/host-local/store/lock.ts';

const test = suite('host-local store lock');
let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnits-lock-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('a lock held past the timeout while the directory does not change gives code 11, and is taken once it is free', () => {
  const holder = openLock(dir);
  const waiter = openLock(dir, 150);
  assert.ok(holder.lock());
  const started = Date.now();
  try {
    waiter.lock();
    assert.unreachable('took a held lock');
  } catch (e) {
    assert.instance(e, CniError);
    assert.is((e as CniError).code, 11);
    assert.match((e as CniError).message, /^timed out after 0.15s without progress waiting for the lock .*\/lock$/);
  }
  assert.ok(Date.now() - started >= 150);
  holder.unlock();
  assert.ok(waiter.lock());
  holder.close();
  waiter.close();
});

test('lock() tells when the lock file was removed: the lock taken guards nothing', () => {
  const l = openLock(dir);
  unlinkSync(join(dir, 'lock'));
  assert.not.ok(l.lock());
  l.close();
});

test.run();
