// Our host-local and Debian's reference Go binary (/usr/lib/cni/host-local) on one data
// directory: each sees the other's reservations, releases them, continues its round-robin, and
// both together never hand out one address twice. Needs `make`, root and the reference binary.
import { existsSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addresses, conf, errorOf, inWorld, ok, readLast, REFERENCE, REFERENCE_VERSION, reservations, run, runAsync, type World } from '../../helpers/host-local.ts';

const test = suite('host-local interop');
const V = REFERENCE_VERSION;
const dual = { ranges: [[{ subnet: '10.7.0.0/24' }], [{ subnet: '2001:db8:7::/64' }]] };
const go = { bin: REFERENCE };
const add = (w: World, c: object, id: string, bin?: string): string[] => addresses(ok(run(w, 'ADD', c, { id, ...(bin && { bin }) })), V);

if (!existsSync(REFERENCE)) {
  test('reference plugin present', () => assert.unreachable(`${REFERENCE} is missing: apt-get install containernetworking-plugins`));
}

test('an address the Go plugin allocated is taken for us, and our DEL releases it', () =>
  inWorld((w) => {
    const c = conf(w, dual, V);
    assert.equal(add(w, c, 'go1', REFERENCE), ['10.7.0.2/24', '2001:db8:7::2/64']);
    assert.equal(add(w, c, 'ts1'), ['10.7.0.3/24', '2001:db8:7::3/64']);
    ok(run(w, 'CHECK', c, { id: 'go1' }));
    ok(run(w, 'DEL', c, { id: 'go1' }));
    assert.equal(
      reservations(w),
      new Map([
        ['10.7.0.3', 'ts1\r\neth0'],
        ['2001:db8:7::3', 'ts1\r\neth0'],
      ]),
    );
    assert.is(errorOf(run(w, 'CHECK', c, { id: 'go1' })).msg, 'host-local: Failed to find address added by container go1');
  }));

test('an address we allocated is taken for the Go plugin, which CHECKs and releases it', () =>
  inWorld((w) => {
    const c = conf(w, dual, V);
    assert.equal(add(w, c, 'ts1'), ['10.7.0.2/24', '2001:db8:7::2/64']);
    assert.equal(add(w, c, 'go1', REFERENCE), ['10.7.0.3/24', '2001:db8:7::3/64']);
    ok(run(w, 'CHECK', c, { id: 'ts1', ...go }));
    ok(run(w, 'DEL', c, { id: 'ts1', ...go }));
    // Our index still names ts1's addresses; it must not be believed now.
    assert.is(errorOf(run(w, 'CHECK', c, { id: 'ts1' })).msg, 'host-local: Failed to find address added by container ts1');
    assert.equal(add(w, c, 'ts1'), ['10.7.0.4/24', '2001:db8:7::4/64'], 'no stale duplicate-allocation error');
    assert.equal([...reservations(w).keys()].sort(), ['10.7.0.3', '10.7.0.4', '2001:db8:7::3', '2001:db8:7::4']);
  }));

test('the Go plugin refuses a duplicate ADD of an attachment we allocated, and we refuse one of its', () =>
  inWorld((w) => {
    const c = conf(w, dual, V);
    add(w, c, 'ts1');
    add(w, c, 'go1', REFERENCE);
    assert.match(errorOf(run(w, 'ADD', c, { id: 'ts1', ...go })).msg, /duplicate allocation is not allowed/);
    assert.match(errorOf(run(w, 'ADD', c, { id: 'go1' })).msg, /duplicate allocation is not allowed/);
  }));

test('round-robin continues across implementations through last_reserved_ip', () =>
  inWorld((w) => {
    const c = conf(w, dual, V);
    add(w, c, 'a');
    add(w, c, 'b', REFERENCE);
    ok(run(w, 'DEL', c, { id: 'a', ...go }));
    ok(run(w, 'DEL', c, { id: 'b' }));
    assert.equal(add(w, c, 'c'), ['10.7.0.4/24', '2001:db8:7::4/64']);
    assert.equal(add(w, c, 'd', REFERENCE), ['10.7.0.5/24', '2001:db8:7::5/64']);
    assert.is(readLast(w, 0), '10.7.0.5');
  }));

test('interleaved ADDs and DELs from both plugins never share an address and leave nothing behind', () =>
  inWorld((w) => {
    const c = conf(w, { ranges: [[{ subnet: '10.7.0.0/27' }], [{ subnet: '2001:db8:7::/64' }]] }, V);
    const seen = new Map<string, string>();
    const live = new Set<string>();
    let id = 0;
    for (let round = 0; round < 60; round++) {
      const bin = round % 2 === 0 ? undefined : REFERENCE;
      if (live.size < 20 && round % 5 !== 4) {
        const name = `c${id++}`;
        for (const a of add(w, c, name, bin)) {
          assert.not.ok([...live].some((l) => seen.get(a) === l), `${a} handed out twice`);
          seen.set(a, name);
        }
        live.add(name);
      } else {
        const victim = [...live][round % live.size]!;
        ok(run(w, 'DEL', c, { id: victim, ...(bin && { bin }) }));
        live.delete(victim);
      }
      // Every file belongs to a live container, and each live container holds exactly two.
      const files = reservations(w);
      assert.is(files.size, live.size * 2);
      for (const content of files.values()) assert.ok(live.has(content.split('\r\n')[0]!));
    }
    for (const [i, name] of [...live].entries()) ok(run(w, 'DEL', c, { id: name, ...(i % 2 ? go : {}) }));
    assert.is(reservations(w).size, 0);
  }));

test('60 of ours and 60 Go ADDs in parallel on one network: 120 distinct pairs, 240 files', () =>
  inWorld(async (w) => {
    const c = conf(w, dual, V);
    const runs = Array.from({ length: 120 }, (_, i) => runAsync(w, 'ADD', c, { id: `p${i}`, ...(i % 2 ? go : {}) }).done);
    const outs = await Promise.all(runs);
    const got = outs.flatMap((o) => addresses(ok(o), V));
    assert.is(new Set(got).size, 240);
    assert.is(reservations(w).size, 240);
  }));

test('our GC frees what the Go plugin allocated for attachments that are gone', () =>
  inWorld((w) => {
    const c = conf(w, dual, V);
    add(w, c, 'keep', REFERENCE);
    add(w, c, 'gone', REFERENCE);
    ok(run(w, 'GC', { ...conf(w, dual, '1.1.0'), 'cni.dev/valid-attachments': [{ containerID: 'keep', ifname: 'eth0' }] }));
    assert.equal([...reservations(w).values()], ['keep\r\neth0', 'keep\r\neth0']);
  }));

test.run();
