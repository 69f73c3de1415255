// The disk store on a temporary directory: the reference's bytes, and the owner index being
// trusted only while the directory is unchanged, rebuilt otherwise, and checked entry by entry.
// Needs the native addon (`make native`) for flock.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../../lib/cni/errors.ts';
import { openDiskStore, type DiskStore } from '../../../../ipam/host-local/store/disk.ts';
import { entryName } from '../../../../ipam/host-local/store/owner-index.ts';

const test = suite('host-local disk store');
let root = '';
let n = 0;
test.before.each(() => {
  root = mkdtempSync(join(tmpdir(), 'cnits-store-'));
});
test.after.each(() => rmSync(root, { recursive: true, force: true }));

const A = { containerID: 'ctr-a', ifname: 'eth0' };
const B = { containerID: 'ctr-b', ifname: 'eth0' };
// The network directory exists: each operation here stands for an invocation of its own, and one
// process that created the directory and emptied it again removes it (tested below).
const open = (): DiskStore => {
  const network = `net${n++ % 1}`;
  mkdirSync(join(root, network), { recursive: true });
  return openDiskStore(root, network);
};
const files = (s: DiskStore): string[] => readdirSync(s.dir).filter((f) => f !== 'lock' && !f.startsWith('last_')).sort();
const idxDir = (s: DiskStore): string => join(root, '.cni-ts-index', s.dir.split('/').pop()!);
const stampOf = (s: DiskStore): string => readlinkSync(join(idxDir(s), '.stamp'));

test('reserve writes the reference bytes, mode 0600, last_reserved_ip, and refuses a taken address', () => {
  const s = open();
  assert.ok(s.withLock(() => s.reserve('10.0.0.2', A, '0')));
  assert.not.ok(s.withLock(() => s.reserve('10.0.0.2', B, '0')));
  assert.is(readFileSync(join(s.dir, '10.0.0.2'), 'utf8'), 'ctr-a\r\neth0');
  assert.is(statSync(join(s.dir, '10.0.0.2')).mode & 0o777, 0o600);
  assert.is(readFileSync(join(s.dir, 'last_reserved_ip.0'), 'utf8'), '10.0.0.2');
  assert.is(statSync(join(s.dir, 'lock')).mode & 0o777, 0o750);
  assert.is(readlinkSync(join(idxDir(s), 'ctr-a%0D%0Aeth0')), '10.0.0.2');
  s.close();
});

test('a failed operation whose cleanup fails too reports both, its own error first', () => {
  const s = open();
  let err: CniError | undefined;
  try {
    s.withLock(() => {
      s.reserve('10.0.0.2', A, '0');
      rmSync(s.dir, { recursive: true });
      throw new CniError(5, 'boom');
    });
  } catch (e) {
    err = e as CniError;
  }
  assert.equal([err?.code, err?.message], [5, 'boom']);
  assert.match(err?.details ?? '', /no such file or directory/);
  s.close();
});

test('after an operation the directory mtime is the recorded sentinel', () => {
  const s = open();
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  const st = statSync(s.dir, { bigint: true });
  assert.ok(stampOf(s).includes(` ${st.mtimeNs} `));
  s.close();
});

test('a file created behind the index (the Go plugin, a crash) is found and released', () => {
  const s = open();
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  writeFileSync(join(s.dir, '10.0.0.9'), 'ctr-a\r\neth0');
  assert.equal(s.withLock(() => s.getByID(A)).sort(), ['10.0.0.2', '10.0.0.9']);
  assert.is(s.withLock(() => s.releaseByID(A, 'fallback')), 2);
  assert.equal(files(s), []);
  s.close();
});

test('a created file is noticed even when the directory mtime was restored to a different past value', () => {
  const s = open();
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  writeFileSync(join(s.dir, '10.0.0.9'), 'ctr-a\r\neth0');
  utimesSync(s.dir, new Date(), new Date(Date.now() - 5000));
  assert.is(s.withLock(() => s.releaseByID(A, 'fallback')), 2);
  s.close();
});

test('a stale entry is never believed: the file it names is read first', () => {
  const s = open();
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  // Simulate a foreign DEL and re-ADD behind the index while the mtime still says "unchanged".
  const before = statSync(s.dir, { bigint: true });
  writeFileSync(join(s.dir, '10.0.0.2'), 'ctr-b\r\neth0');
  assert.is(statSync(s.dir, { bigint: true }).mtimeNs, before.mtimeNs, 'rewriting a file leaves the directory mtime alone');
  assert.equal(s.withLock(() => s.getByID(A)), []);
  assert.equal(s.withLock(() => s.getByID(B)), ['10.0.0.2']);
  assert.is(s.withLock(() => s.releaseByID(A, 'fallback')), 0);
  assert.equal(files(s), ['10.0.0.2']);
  s.close();
});

test('a lost index directory is read around without writing, and rebuilt by the next change', () => {
  const s = open();
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  rmSync(join(root, '.cni-ts-index'), { recursive: true });
  const t = openDiskStore(root, s.dir.split('/').pop()!);
  assert.ok(t.withLock(() => t.findByID(A)));
  assert.not.ok(existsSync(join(root, '.cni-ts-index')), 'a lookup writes nothing');
  assert.ok(t.withLock(() => t.reserve('10.0.0.3', B, '0')));
  assert.is(readlinkSync(join(idxDir(t), 'ctr-a%0D%0Aeth0')), '10.0.0.2');
  s.close();
  t.close();
});

test('empty and damaged files left by a crash are reclaimed under the lock; other names are left alone', () => {
  const s = open();
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  writeFileSync(join(s.dir, '10.0.0.3'), '');
  writeFileSync(join(s.dir, '10.0.0.4'), '\0\0\0\0\0\0\0\0\0\0\0');
  writeFileSync(join(s.dir, '10.0.0.5'), '  \n');
  writeFileSync(join(s.dir, 'notes.txt'), '');
  assert.ok(s.withLock(() => s.findByID(B)) === false);
  assert.equal(files(s), ['10.0.0.2', 'notes.txt']);
  s.close();
});

test('legacy id-only files: released when nothing else matched, or always when asked', () => {
  const s = open();
  writeFileSync(join(s.dir, '10.0.0.7'), 'ctr-a');
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  assert.equal(s.withLock(() => s.getByID(A)).sort(), ['10.0.0.2', '10.0.0.7']);
  assert.is(s.withLock(() => s.releaseByID(A, 'fallback')), 1);
  assert.equal(files(s), ['10.0.0.7']);
  assert.ok(s.withLock(() => s.findByID(A)), 'CHECK accepts a legacy file');
  assert.is(s.withLock(() => s.releaseByID(A, 'fallback')), 1);
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  writeFileSync(join(s.dir, '10.0.0.8'), 'ctr-a\n');
  assert.is(s.withLock(() => s.releaseByID(A, 'always')), 2);
  assert.equal(files(s), []);
  s.close();
});

test('release frees only an address the owner holds', () => {
  const s = open();
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  s.withLock(() => s.release('10.0.0.2', B));
  assert.equal(files(s), ['10.0.0.2']);
  s.withLock(() => s.release('10.0.0.2', A));
  assert.equal(files(s), []);
  assert.equal(readdirSync(idxDir(s)), ['.stamp']);
  s.close();
});

test('reservations lists every holder; releaseIP frees one whoever holds it', () => {
  const s = open();
  s.withLock(() => {
    s.reserve('10.0.0.2', A, '0');
    s.reserve('2001:db8::2', A, '1');
    s.reserve('10.0.0.3', B, '0');
  });
  writeFileSync(join(s.dir, '10.0.0.4'), 'legacy-id');
  const all = s.withLock(() => s.reservations()).map((r) => `${r.ip}=${r.holder.kind}:${r.holder.containerID}`).sort();
  assert.equal(all, ['10.0.0.2=attachment:ctr-a', '10.0.0.3=attachment:ctr-b', '10.0.0.4=legacy:legacy-id', '2001:db8::2=attachment:ctr-a']);
  s.withLock(() => s.releaseIP('10.0.0.2'));
  assert.equal(s.withLock(() => s.getByID(A)), ['2001:db8::2']);
  s.close();
});

test('a key too long for an index entry still works, through the files', () => {
  const s = open();
  const long = { containerID: 'x'.repeat(300), ifname: 'eth0' };
  assert.is(entryName(`${long.containerID}\r\neth0`), undefined);
  s.withLock(() => s.reserve('10.0.0.2', long, '0'));
  assert.equal(s.withLock(() => s.getByID(long)), ['10.0.0.2']);
  assert.is(s.withLock(() => s.releaseByID(long, 'fallback')), 1);
  s.close();
});

test('index entry names are reversible and never hidden', () => {
  assert.is(entryName('a\r\neth0'), 'a%0D%0Aeth0');
  assert.is(entryName('.x'), '%2Ex');
  assert.is(entryName('a\r\n%2F'), 'a%0D%0A%252F');
});

test('an index entry that names a file outside the network is ignored', () => {
  const s = open();
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  const entry = join(idxDir(s), 'ctr-a%0D%0Aeth0');
  unlinkSync(entry);
  symlinkSync('../../etc/passwd,10.0.0.2', entry);
  assert.equal(s.withLock(() => s.getByID(A)), ['10.0.0.2']);
  s.close();
});

test('network names that could leave the data directory are refused with code 7', () => {
  for (const bad of ['..', '.', 'a/b', '../x', '.cni-ts-index', '']) {
    try {
      openDiskStore(root, bad);
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (e) {
      assert.instance(e, CniError);
      assert.is((e as CniError).code, 7);
    }
  }
});

test('a failed first operation removes the network directory it created; a racing opener recreates it', () => {
  const s = openDiskStore(root, 'fresh');
  const t = openDiskStore(root, 'fresh');
  assert.throws(() => s.withLock(() => {
    assert.ok(s.reserve('10.0.0.2', A, '0'));
    s.release('10.0.0.2', A);
    throw new Error('no address left');
  }), /no address left/);
  assert.not.ok(existsSync(s.dir), 'nothing left behind');
  assert.equal(readdirSync(root), []);
  // t opened the directory before it went: its lock guarded a removed file, so it takes a new one.
  assert.ok(t.withLock(() => t.reserve('10.0.0.3', B, '0')));
  assert.equal(files(t), ['10.0.0.3']);
  s.close();
  t.close();
});

test('a network directory this process created goes once a later operation of it empties it (the rollback of a bridge ADD)', () => {
  const dataDir = join(root, 'new', 'data');
  const s = openDiskStore(dataDir, 'net');
  assert.ok(s.withLock(() => s.reserve('10.0.0.2', A, '0')));
  assert.ok(existsSync(join(dataDir, '.cni-ts-index', 'net')));
  const del = openDiskStore(dataDir, 'net');
  assert.is(del.withLock(() => del.releaseByID(A, 'fallback')), 1);
  assert.equal(readdirSync(root), [], 'the directory, its index and the dataDir the ADD made are gone');
  s.close();
  del.close();
});

test('... but not while it holds a reservation, nor one that was there before', () => {
  const s = openDiskStore(root, 'made');
  s.withLock(() => s.reserve('10.0.0.2', A, '0'));
  s.withLock(() => s.reserve('10.0.0.3', B, '0'));
  s.withLock(() => s.releaseByID(A, 'fallback'));
  assert.equal(files(s), ['10.0.0.3']);
  const old = open();
  old.withLock(() => old.reserve('10.0.0.2', A, '0'));
  old.withLock(() => old.releaseByID(A, 'fallback'));
  assert.ok(existsSync(old.dir));
  s.close();
  old.close();
});

test('the lock is not re-entrant and methods refuse to run without it', () => {
  const s = open();
  assert.throws(() => s.getByID(A), /without its lock/);
  assert.throws(() => s.withLock(() => s.withLock(() => 1)), /not re-entrant/);
  s.close();
});

test.run();
