// The native addon: flock semantics through it, and the loader's refusal of .node files that
// someone other than root could have replaced. Needs `make native`.
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addonDir, appendFile, flock, loadAddon, loadAddonFile, lockFile, replaceFile, replaceIfSame } from '../../../lib/native/index.ts';

const test = suite('native addon');
const dir = mkdtempSync(join(tmpdir(), 'cnits-native-'));

test.after(() => rmSync(dir, { recursive: true, force: true }));

function throwsErrno(fn: () => unknown, code: string, errno: number, syscall: string): void {
  try {
    fn();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    assert.is(e.code, code);
    assert.is(e.errno, -errno);
    assert.is(e.syscall, syscall);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('addonDir is dist/bin/.cni-ts of the repository when run from source', () => {
  assert.ok(addonDir().endsWith('/dist/bin/.cni-ts'), addonDir());
});

test('loadAddon loads once and caches', () => {
  const a = loadAddon('native') as Record<string, unknown>;
  assert.type(a.setns, 'function');
  assert.type(a.flock, 'function');
  assert.is(loadAddon('native'), a);
});

test('flock: a second exclusive non-blocking lock fails with EWOULDBLOCK until the first is released', () => {
  const file = join(dir, 'lock');
  const a = openSync(file, 'w');
  const b = openSync(file, 'r');
  try {
    flock(a, 'ex', true);
    throwsErrno(() => flock(b, 'ex', true), 'EAGAIN', constants.errno.EWOULDBLOCK, 'flock');
    throwsErrno(() => flock(b, 'sh', true), 'EAGAIN', constants.errno.EWOULDBLOCK, 'flock');
    flock(a, 'un');
    flock(b, 'ex', true);
    flock(b, 'un');
  } finally {
    closeSync(a);
    closeSync(b);
  }
});

test('flock: shared locks coexist, and exclude an exclusive one', () => {
  const file = join(dir, 'shared');
  const fds = [openSync(file, 'w'), openSync(file, 'r'), openSync(file, 'r')] as const;
  try {
    flock(fds[0], 'sh', true);
    flock(fds[1], 'sh', true);
    throwsErrno(() => flock(fds[2], 'ex', true), 'EAGAIN', constants.errno.EWOULDBLOCK, 'flock');
  } finally {
    fds.forEach((fd) => closeSync(fd));
  }
});

test('flock: errors carry code, errno and syscall; bad arguments are TypeErrors', () => {
  throwsErrno(() => flock(987654, 'ex', true), 'EBADF', constants.errno.EBADF, 'flock');
  try {
    flock(987654, 'ex', true);
  } catch (err) {
    assert.is((err as Error).message, 'EBADF: bad file descriptor, flock');
  }
  assert.throws(() => flock(0, 'xx' as 'ex'), (e: Error) => e instanceof TypeError);
  assert.throws(() => flock('0' as unknown as number, 'ex'), (e: Error) => e instanceof TypeError);
});

function copyAddon(name: string): string {
  const sub = mkdtempSync(join(dir, `${name}-`));
  const file = join(sub, 'native.node');
  copyFileSync(join(addonDir(), 'native.node'), file);
  chmodSync(file, 0o644);
  return file;
}

test('replaceFile puts the text in place of the old file, or of none; the old file becomes the spare', () => {
  const path = join(dir, 'rp');
  const spare = join(dir, '.rp.spare');
  replaceFile(spare, path, 'a longer first text', 0o644);
  assert.is(readFileSync(path, 'utf8'), 'a longer first text');
  assert.not.ok(existsSync(spare));
  const first = statSync(path).ino;
  replaceFile(spare, path, 'second ✓', 0o644);
  assert.is(readFileSync(path, 'utf8'), 'second ✓');
  assert.is(statSync(spare).ino, first);
  replaceFile(spare, path, 'third', 0o644);
  assert.is(readFileSync(path, 'utf8'), 'third', 'the spare is cut to the new length');
  assert.is(statSync(path).ino, first);
  throwsErrno(() => replaceFile(join(dir, 'absent/s'), join(dir, 'absent/p'), 'x', 0o644), 'ENOENT', constants.errno.ENOENT, 'open');
});

test('replaceIfSame replaces only a file that still holds what was expected, under the lock', () => {
  const lock = join(dir, 'cas.lock');
  const path = join(dir, 'cas');
  const spare = join(dir, '.cas.spare');
  assert.ok(replaceIfSame(lock, 0, spare, path, '', 'one', 0o644), 'a missing file is the empty text');
  assert.not.ok(replaceIfSame(lock, 0, spare, path, 'two', 'three', 0o644));
  assert.is(readFileSync(path, 'utf8'), 'one');
  assert.not.ok(replaceIfSame(lock, 0, spare, path, 'on', 'three', 0o644), 'a prefix is not the file');
  assert.ok(replaceIfSame(lock, 0, spare, path, 'one', 'two ✓', 0o644));
  assert.is(readFileSync(path, 'utf8'), 'two ✓');
  const held = lockFile(lock, 0);
  throwsErrno(() => replaceIfSame(lock, 5, spare, path, 'two ✓', 'x', 0o644), 'ETIMEDOUT', constants.errno.ETIMEDOUT, 'flock');
  closeSync(held);
  assert.is(readFileSync(path, 'utf8'), 'two ✓');
});

test('appendFile appends in one write until the file holds max bytes, then writes nothing', () => {
  const path = join(dir, 'ap');
  assert.ok(appendFile(path, 'ab\n', 0o640, 6));
  assert.ok(appendFile(path, 'cd\n', 0o640, 6));
  assert.is(statSync(path).mode & 0o777, 0o640);
  assert.not.ok(appendFile(path, 'ef\n', 0o640, 6));
  assert.is(readFileSync(path, 'utf8'), 'ab\ncd\n');
});

test('lockFile makes the file and locks it; a held lock times out with ETIMEDOUT after the wait', () => {
  const path = join(dir, 'lk');
  const fd = lockFile(path, 0);
  const other = openSync(path, 'r');
  assert.throws(() => flock(other, 'ex', true), (e: NodeJS.ErrnoException) => e.code === 'EAGAIN');
  const started = performance.now();
  throwsErrno(() => lockFile(path, 20), 'ETIMEDOUT', constants.errno.ETIMEDOUT, 'flock');
  assert.ok(performance.now() - started >= 20);
  closeSync(fd);
  closeSync(lockFile(path, 0));
  closeSync(other);
});

test('loadAddonFile refuses a group- or world-writable file', () => {
  const file = copyAddon('gw');
  chmodSync(file, 0o664);
  assert.throws(() => loadAddonFile(file), /refusing to load native addon: file .* group- or world-writable \(mode 664\)/);
  chmodSync(file, 0o646);
  assert.throws(() => loadAddonFile(file), /world-writable/);
});

test('loadAddonFile refuses a writable directory and a foreign owner', () => {
  const file = copyAddon('dir');
  const sub = join(file, '..');
  chmodSync(sub, 0o777);
  assert.throws(() => loadAddonFile(file), /directory .* group- or world-writable/);
  chmodSync(sub, 0o755);
  if (process.geteuid?.() === 0) {
    chownSync(file, 65534, 65534);
    assert.throws(() => loadAddonFile(file), /owned by uid 65534/);
    chownSync(file, 0, 0);
  }
  const m = loadAddonFile(file) as Record<string, unknown>;
  assert.type(m.flock, 'function');
});

test('loadAddonFile names a missing file and how to build it', () => {
  assert.throws(() => loadAddonFile(join(dir, 'nope.node')), /nope\.node.*make native/);
});

test.run();
