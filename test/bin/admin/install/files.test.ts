// Atomic replacement: written, replaced or unchanged (then the same inode and mtime), the mode
// set exactly whatever the umask, and no temp file left behind.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { installCopy, installSymlink, installText, removeStaleTemps } from '../../../../bin/admin/install/files.ts';

const dir = mkdtempSync(join(tmpdir(), 'cnits-files-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const identity = (p: string): string => {
  const st = lstatSync(p);
  return `${st.ino} ${st.mtimeMs} ${(st.mode & 0o7777).toString(8)}`;
};

test('installText: written, unchanged (same inode and mtime), replaced when text or mode differ', () => {
  const p = join(dir, 'a.conflist');
  assert.is(installText(p, 'one\n', 0o644), 'written');
  const first = identity(p);
  assert.is(installText(p, 'one\n', 0o644), 'unchanged');
  assert.is(identity(p), first);
  assert.is(installText(p, 'two\n', 0o644), 'replaced');
  assert.is(readFileSync(p, 'utf8'), 'two\n');
  assert.is(installText(p, 'two\n', 0o600), 'replaced');
  assert.is(lstatSync(p).mode & 0o7777, 0o600);
});

test('installCopy: a copy with the mode asked, left alone when equal', () => {
  const src = join(dir, 'src');
  writeFileSync(src, Buffer.alloc(3 << 20, 7));
  const p = join(dir, 'copy');
  assert.is(installCopy(p, src, 0o755), 'written');
  assert.is(lstatSync(p).mode & 0o7777, 0o755);
  const first = identity(p);
  assert.is(installCopy(p, src, 0o755), 'unchanged');
  assert.is(identity(p), first);
  // Same size, one byte different in the last chunk.
  const changed = Buffer.alloc(3 << 20, 7);
  changed[changed.length - 1] = 8;
  writeFileSync(src, changed);
  assert.is(installCopy(p, src, 0o755), 'replaced');
  assert.ok(readFileSync(p).equals(changed));
});

test('installSymlink: written, unchanged, and a file or other link replaced by the link', () => {
  const p = join(dir, 'bridge');
  writeFileSync(p, 'foreign');
  assert.is(installSymlink(p, 'cni-ts'), 'replaced');
  assert.is(readlinkSync(p), 'cni-ts');
  const first = identity(p);
  assert.is(installSymlink(p, 'cni-ts'), 'unchanged');
  assert.is(identity(p), first);
  const q = join(dir, 'portmap');
  assert.is(installSymlink(q, 'cni-ts'), 'written');
  rmSync(q);
  symlinkSync('/usr/lib/cni/portmap', q);
  assert.is(installSymlink(q, 'cni-ts'), 'replaced');
  assert.is(readlinkSync(q), 'cni-ts');
});

test('a failed replacement leaves the old file and no temp file', () => {
  const p = join(dir, 'keep');
  installText(p, 'old\n', 0o644);
  assert.throws(() => installCopy(p, join(dir, 'no-such-source'), 0o755), /ENOENT/);
  assert.is(readFileSync(p, 'utf8'), 'old\n');
  assert.equal(
    readdirSync(dir).filter((n) => n.includes('cni-ts-install')),
    [],
  );
});

test("removeStaleTemps: only temp files of installs whose process is gone", () => {
  const d = join(dir, 'stale');
  mkdirSync(d);
  // pid 2^22 + 1 is above the kernel's pid_max: never a live process.
  const dead = `.bridge.cni-ts-install-${(1 << 22) + 1}`;
  const live = `.portmap.cni-ts-install-${process.pid}`;
  for (const n of [dead, live, 'bridge', '.bridge.tmp']) writeFileSync(join(d, n), '');
  assert.equal(removeStaleTemps(d), [join(d, dead)]);
  assert.equal(readdirSync(d).sort(), ['.bridge.tmp', live, 'bridge'].sort());
  assert.equal(removeStaleTemps(join(dir, 'none')), []);
});

test.run();
