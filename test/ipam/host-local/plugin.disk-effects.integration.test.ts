// What the built executable leaves on disk: a call with nothing to do writes nothing (paths,
// modes, mtimes and contents of the whole data directory compared), a failed ADD leaves nothing
// it created, and the first ADD, GC or STATUS after a reboot frees what the earlier boot left,
// never what the running boot made. Needs `make` and root; the reboot part also the Go plugin.
import { existsSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { treeSnapshot } from '../../helpers/host-local-tree.ts';
import { conf, errorOf, inWorld, ok, REFERENCE, REFERENCE_VERSION, reservations, run, type World } from '../../helpers/host-local.ts';

const test = suite('host-local disk effects');
const v4 = { ranges: [[{ subnet: '10.3.0.0/29' }]] };

test('DEL, CHECK, GC and STATUS with nothing to do leave the data directory exactly as it was', () =>
  inWorld((w) => {
    const c = conf(w, v4, '1.1.0');
    ok(run(w, 'ADD', c, { id: 'a' }));
    ok(run(w, 'ADD', c, { id: 'b' }));
    const before = treeSnapshot(w.dataDir);
    ok(run(w, 'DEL', c, { id: 'unknown' }));
    ok(run(w, 'CHECK', { ...c, prevResult: { cniVersion: '1.1.0', ips: [{ address: '10.3.0.2/29' }] } }, { id: 'a' }));
    ok(run(w, 'GC', { ...c, 'cni.dev/valid-attachments': [{ containerID: 'a', ifname: 'eth0' }, { containerID: 'b', ifname: 'eth0' }] }));
    ok(run(w, 'GC', c));
    ok(run(w, 'STATUS', c));
    assert.equal(treeSnapshot(w.dataDir), before);
  }));

test('the same on a directory another writer changed behind the index: reading it all writes nothing either', () =>
  inWorld((w) => {
    const c = conf(w, v4, '1.1.0');
    ok(run(w, 'ADD', c, { id: 'a' }));
    writeFileSync(join(w.dir, '10.3.0.6'), 'other\r\neth0');
    const before = treeSnapshot(w.dataDir);
    ok(run(w, 'DEL', c, { id: 'unknown' }));
    ok(run(w, 'CHECK', { ...c, prevResult: { cniVersion: '1.1.0', ips: [{ address: '10.3.0.2/29' }] } }, { id: 'a' }));
    ok(run(w, 'STATUS', c));
    assert.equal(treeSnapshot(w.dataDir), before);
  }));

test('DEL, CHECK, GC and STATUS of a network without a directory create nothing', () =>
  inWorld((w) => {
    const c = conf(w, v4, '1.1.0');
    ok(run(w, 'DEL', c));
    errorOf(run(w, 'CHECK', { ...c, prevResult: { cniVersion: '1.1.0', ips: [{ address: '10.3.0.2/29' }] } }));
    ok(run(w, 'GC', { ...c, 'cni.dev/valid-attachments': [] }));
    ok(run(w, 'STATUS', c));
    assert.equal(treeSnapshot(w.dataDir), {});
  }));

test('a failed ADD on a new network leaves nothing behind: bad resolvConf, exhausted range, unavailable requested IP', () =>
  inWorld((w) => {
    const e1 = errorOf(run(w, 'ADD', conf(w, { ...v4, resolvConf: join(w.dataDir, 'missing') })));
    assert.is(e1.code, 5);
    // Two sets, the second of which has no address: the first one's reservation is undone.
    const e2 = errorOf(run(w, 'ADD', conf(w, { ranges: [[{ subnet: '10.3.0.0/29' }], [{ subnet: '10.4.0.0/30', rangeStart: '10.4.0.1', rangeEnd: '10.4.0.1' }]] })));
    assert.match(e2.msg, /failed to allocate for range 1: no IP addresses available/);
    const e3 = errorOf(run(w, 'ADD', conf(w, { ...v4, ips: ['10.9.9.9'] }, '1.1.0', { capabilities: { ips: true } }), { args: 'IP=10.9.9.9' }));
    assert.match(e3.msg, /10\.9\.9\.9/);
    assert.equal(treeSnapshot(w.dataDir), {});
  }));

test('a failed ADD whose dataDir does not exist yet removes the directories it made for it too', () =>
  inWorld((w) => {
    const dataDir = join(w.dataDir, 'new', 'data');
    const e = errorOf(run(w, 'ADD', { ...conf(w, v4), ipam: { type: 'host-local', dataDir, ...v4 } }, { args: 'IP=10.9.9.9' }));
    assert.match(e.msg, /10\.9\.9\.9/);
    assert.equal(treeSnapshot(w.dataDir), {});
  }));

test('a failed ADD on a network the Go plugin made leaves its files as they were, and makes no index', () =>
  inWorld((w) => {
    if (!existsSync(REFERENCE)) assert.unreachable(`${REFERENCE} is missing: apt-get install containernetworking-plugins`);
    ok(run(w, 'ADD', conf(w, v4, REFERENCE_VERSION), { id: 'go', bin: REFERENCE }));
    const withoutDirTimes = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== w.network));
    const before = withoutDirTimes(treeSnapshot(w.dataDir));
    const e = errorOf(run(w, 'ADD', conf(w, { ranges: [[{ subnet: '10.3.0.0/29' }], [{ subnet: '10.4.0.0/30', rangeStart: '10.4.0.1', rangeEnd: '10.4.0.1' }]] })));
    assert.is(e.code, 11);
    // Only the directory's own mtime moves: an entry was made and removed in it.
    assert.equal(withoutDirTimes(treeSnapshot(w.dataDir)), before);
  }));

/** Makes the network's stamp say its reservations were made in another boot, as after a reboot. */
function fakeEarlierBoot(w: World): void {
  const link = join(w.dataDir, '.cni-ts-index', w.network, '.stamp');
  const [version, , ...rest] = readlinkSync(link).split(' ');
  assert.is(version, '2');
  rmSync(link);
  symlinkSync(`2 00000000-0000-0000-0000-000000000000 ${rest.join(' ')}`, link);
}

const bootId = (): string => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

for (const verb of ['ADD', 'GC', 'STATUS'] as const) {
  test(`the first ${verb} after a reboot frees what the earlier boot left, once`, () =>
    inWorld((w) => {
      const c = conf(w, v4, '1.1.0');
      ok(run(w, 'ADD', c, { id: 'old1' }));
      ok(run(w, 'ADD', c, { id: 'old2' }));
      fakeEarlierBoot(w);
      ok(run(w, verb, c, { id: 'new' }));
      const left = [...reservations(w).values()];
      assert.equal(left, verb === 'ADD' ? ['new\r\neth0'] : []);
      assert.match(readlinkSync(join(w.dataDir, '.cni-ts-index', w.network, '.stamp')), new RegExp(`^2 ${bootId()} `));
      // From now on the running boot's reservations are the only ones, and stay.
      ok(run(w, 'ADD', c, { id: 'new2' }));
      ok(run(w, 'STATUS', c));
      ok(run(w, 'GC', c));
      assert.is(reservations(w).size, verb === 'ADD' ? 2 : 1);
    }));
}

test('a reservation the Go plugin made in this boot, before our first call in it, is kept', () =>
  inWorld((w) => {
    if (!existsSync(REFERENCE)) assert.unreachable(`${REFERENCE} is missing: apt-get install containernetworking-plugins`);
    const c = conf(w, v4, REFERENCE_VERSION);
    ok(run(w, 'ADD', c, { id: 'old' }));
    fakeEarlierBoot(w);
    ok(run(w, 'ADD', c, { id: 'go', bin: REFERENCE }));
    ok(run(w, 'ADD', c, { id: 'ours' }));
    // Without the stamp's proof, only files older than the boot go: these were all made now.
    assert.equal([...reservations(w).values()].sort(), ['go\r\neth0', 'old\r\neth0', 'ours\r\neth0']);
  }));

test.run();
