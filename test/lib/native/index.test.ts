// The native addon: flock semantics through it, and the loader's refusal of .node files that
// someone other than root could have replaced. Needs `make native`.
import { chmodSync, chownSync, closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addonDir, exchange, flock, loadAddon, loadAddonFile } from '../../../lib/native/index.ts';

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

test('exchange swaps two files atomically; a missing one is ENOENT', () => {
  const a = join(dir, 'xa');
  const b = join(dir, 'xb');
  writeFileSync(a, 'new');
  writeFileSync(b, 'old');
  exchange(a, b);
  assert.equal([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')], ['old', 'new']);
  assert.throws(() => exchange(join(dir, 'absent'), b), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && e.syscall === 'renameat2');
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
