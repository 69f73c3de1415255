// The disk store across reboots, with a fake boot ID and boot time: reservations of an earlier
// boot are freed once, those of the running boot never, whatever the wall clock did.
// Needs the native addon (`make native`) for flock.
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openDiskStore, BOOT_MARGIN_MS, type DiskStore } from '../../../../ipam/host-local/store/disk.ts';
import type { BootClock } from '../../../../ipam/host-local/store/boot.ts';
import { treeSnapshot } from '../../../helpers/host-local-tree.ts';

const test = suite('host-local disk store across reboots');
let root = '';
test.before.each(() => {
  root = mkdtempSync(join(tmpdir(), 'cnits-boot-'));
});
test.after.each(() => rmSync(root, { recursive: true, force: true }));

const A = { containerID: 'ctr-a', ifname: 'eth0' };
const B = { containerID: 'ctr-b', ifname: 'eth0' };
const HOUR = 3_600_000;

/** A boot `id` that started `ago` ms before now by the wall clock (negative: a clock stepped back before it). */
const boot = (id: string, ago = HOUR): BootClock => ({ id: () => id, startedMs: () => Date.now() - ago });
// The network directory exists: a process that created it and emptied it again would remove it.
const open = (b: BootClock): DiskStore => {
  mkdirSync(join(root, 'net'), { recursive: true });
  return openDiskStore(root, 'net', b);
};
const stampBoot = (): string => readlinkSync(join(root, '.cni-ts-index', 'net', '.stamp')).split(' ')[1]!;

/** Reserves `ips` for `owner` under boot `b`, one operation each, sweeping first as ADD does. */
function reserveIn(b: BootClock, owner: typeof A, ...ips: string[]): void {
  const s = open(b);
  for (const ip of ips) {
    s.withLock(() => {
      s.releaseStale();
      assert.ok(s.reserve(ip, owner, '0'));
    });
  }
  s.close();
}

function sweep(b: BootClock): { freed: number; left: string[] } {
  const s = open(b);
  const freed = s.withLock(() => s.releaseStale());
  const left = s.withLock(() => [...s.taken()].sort());
  s.close();
  return { freed, left };
}

test('releaseStale frees what an earlier boot left, proven by the stamp whatever the clock says', () => {
  reserveIn(boot('b1'), A, '10.0.0.2', '10.0.0.3');
  assert.is(stampBoot(), 'b1');
  // The new boot's clock was stepped back far before the files' times: they look younger than it.
  assert.equal(sweep(boot('b2', -10 * 24 * HOUR)), { freed: 2, left: [] });
});

test('a reservation of the running boot is never released, even with the wall clock stepped a day forward', () => {
  reserveIn(boot('b1'), A, '10.0.0.2');
  sweep(boot('b2'));
  reserveIn(boot('b2'), B, '10.0.0.3');
  // Stepped forward, the boot seems to have started after every file was made.
  assert.equal(sweep({ id: () => 'b2', startedMs: () => Date.now() + 24 * HOUR }), { freed: 0, left: ['10.0.0.3'] });
  assert.is(stampBoot(), 'b2');
});

test('the sweep runs once per boot: what another writer adds after it is never a candidate', () => {
  reserveIn(boot('b1'), A, '10.0.0.2');
  assert.equal(sweep(boot('b2')), { freed: 1, left: [] });
  reserveIn(boot('b2'), A, '10.0.0.5');
  writeFileSync(join(root, 'net', '10.0.0.9'), 'go-ctr\r\neth0');
  assert.equal(sweep({ id: () => 'b2', startedMs: () => Date.now() + 24 * HOUR }), { freed: 0, left: ['10.0.0.5', '10.0.0.9'] });
});

test('without the stamp as proof (another writer changed the directory), only files older than the boot by the margin go', () => {
  reserveIn(boot('b1'), A, '10.0.0.2');
  // The Go plugin adds a reservation in the new boot, before our first call in it.
  writeFileSync(join(root, 'net', '10.0.0.9'), 'go-ctr\r\neth0');
  // Boot began an hour ago: both files are younger, so both stay (the old one is left to DEL or GC).
  assert.equal(sweep(boot('b2')), { freed: 0, left: ['10.0.0.2', '10.0.0.9'] });
  // Another writer again, then a boot that began after all three files by more than the margin.
  writeFileSync(join(root, 'net', '10.0.0.10'), 'go-ctr2\r\neth0');
  assert.equal(sweep(boot('b3', -2 * BOOT_MARGIN_MS)), { freed: 3, left: [] });
});

test('the first sweep of a boot records the boot even when it frees nothing; later calls of the boot write nothing', () => {
  reserveIn(boot('b1'), A, '10.0.0.2');
  const s = open(boot('b1'));
  s.withLock(() => s.releaseByID(A, 'fallback'));
  s.close();
  assert.equal(sweep(boot('b2')), { freed: 0, left: [] });
  assert.is(stampBoot(), 'b2');
  const before = treeSnapshot(root);
  assert.equal(sweep({ id: () => 'b2', startedMs: () => Date.now() + 24 * HOUR }), { freed: 0, left: [] });
  assert.equal(treeSnapshot(root), before);
});

test('after a sweep that freed nothing, what the Go plugin adds in this boot is safe from a stepped clock', () => {
  reserveIn(boot('b1'), A, '10.0.0.2');
  writeFileSync(join(root, 'net', '10.0.0.9'), 'go-ctr\r\neth0');
  assert.equal(sweep(boot('b2')), { freed: 0, left: ['10.0.0.2', '10.0.0.9'] });
  writeFileSync(join(root, 'net', '10.0.0.10'), 'go-ctr2\r\neth0');
  assert.equal(sweep({ id: () => 'b2', startedMs: () => Date.now() + 24 * HOUR }), { freed: 0, left: ['10.0.0.10', '10.0.0.2', '10.0.0.9'] });
});

test('a DEL in the new boot before any sweep keeps the proof: the next sweep frees the rest', () => {
  reserveIn(boot('b1'), A, '10.0.0.2');
  reserveIn(boot('b1'), B, '10.0.0.3');
  const s = open(boot('b2'));
  assert.is(s.withLock(() => s.releaseByID(A, 'fallback')), 1);
  s.close();
  assert.is(stampBoot(), 'b1');
  assert.equal(sweep(boot('b2', -HOUR)), { freed: 1, left: [] });
});

test('a DEL after another writer changed the directory drops the proof: nothing is freed on faith', () => {
  reserveIn(boot('b1'), A, '10.0.0.2');
  reserveIn(boot('b1'), B, '10.0.0.3');
  writeFileSync(join(root, 'net', '10.0.0.9'), 'go-ctr\r\neth0');
  const s = open(boot('b2'));
  s.withLock(() => s.releaseByID(A, 'fallback'));
  s.close();
  assert.is(stampBoot(), '-');
  assert.equal(sweep(boot('b2')), { freed: 0, left: ['10.0.0.3', '10.0.0.9'] });
});

test('a stamp written before boots were recorded proves nothing', () => {
  reserveIn(boot('b1'), A, '10.0.0.2');
  const link = join(root, '.cni-ts-index', 'net', '.stamp');
  const [, , ...rest] = readlinkSync(link).split(' ');
  rmSync(link);
  symlinkSync(`1 ${rest.join(' ')}`, link);
  assert.equal(sweep(boot('b2')), { freed: 0, left: ['10.0.0.2'] });
});

test.run();
