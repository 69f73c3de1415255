import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatIP, parseIP, type IPAddr } from '../../../lib/ip/index.ts';
import { memoryStore, type MemoryStore } from '../../../ipam/host-local/store/memory.ts';
import { allocate, allocateAll } from '../../../ipam/host-local/allocator.ts';
import { candidates } from '../../../ipam/host-local/iterator.ts';
import { canonicalizeRangeSet, type RangeSet } from '../../../ipam/host-local/rangeset.ts';
import { parseIPWithPrefix } from '../../../lib/ip/index.ts';
import { throwsCni } from '../../helpers/assert.ts';

const ip = (t: string): IPAddr => parseIP(t)!;
const set = (...ranges: { subnet: string; rangeStart?: string; rangeEnd?: string; gateway?: string }[]): RangeSet =>
  canonicalizeRangeSet(
    ranges.map((r) => ({
      subnet: { ...parseIPWithPrefix(r.subnet)!, v6Syntax: false },
      ...(r.rangeStart && { rangeStart: ip(r.rangeStart) }),
      ...(r.rangeEnd && { rangeEnd: ip(r.rangeEnd) }),
      ...(r.gateway && { gateway: ip(r.gateway) }),
    })),
  );
const A = { containerID: 'A', ifname: 'eth0' };
const owner = (containerID: string) => ({ containerID, ifname: 'eth0' });

function get(store: MemoryStore, s: RangeSet, id: string, requested?: IPAddr, idx = 0): string {
  return store.withLock(() => allocate(store, s, idx, owner(id), requested)).config.address;
}
function getErr(store: MemoryStore, s: RangeSet, id: string, requested?: IPAddr): string {
  try {
    get(store, s, id, requested);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

test('allocate: first address of 10.1.2.0/24 is .2 with gateway .1, written as id CRLF ifname', () => {
  const store = memoryStore();
  const got = store.withLock(() => allocate(store, set({ subnet: '10.1.2.0/24' }), 0, A));
  assert.equal(got.config, { address: '10.1.2.2/24', gateway: '10.1.2.1' });
  assert.is(store.files.get('10.1.2.2'), 'A\r\neth0');
  assert.is(store.last.get('0'), '10.1.2.2');
});

test('allocate: 2001:db8:1::/64 gives ::2', () => {
  const store = memoryStore();
  assert.is(get(store, set({ subnet: '2001:db8:1::/64' }), 'A'), '2001:db8:1::2/64');
});

test('allocate: a /29 gives .2 to .6, then the exhaustion message', () => {
  const store = memoryStore();
  const s = set({ subnet: '10.0.0.0/29' });
  assert.equal([1, 2, 3, 4, 5].map((i) => get(store, s, `c${i}`)), ['10.0.0.2/29', '10.0.0.3/29', '10.0.0.4/29', '10.0.0.5/29', '10.0.0.6/29']);
  assert.is(getErr(store, s, 'c6'), 'no IP addresses available in range set: 10.0.0.1-10.0.0.6');
});

test('allocate: round-robin, a released .2 is not reused next', () => {
  const store = memoryStore();
  const s = set({ subnet: '10.1.2.0/24' });
  assert.is(get(store, s, 'A'), '10.1.2.2/24');
  store.withLock(() => store.releaseByID(A, 'fallback'));
  assert.is(get(store, s, 'B'), '10.1.2.3/24');
});

test('allocate: after last_reserved .5 comes .6, then it wraps to .2', () => {
  const store = memoryStore();
  const s = set({ subnet: '10.0.0.0/29' });
  store.last.set('0', '10.0.0.5');
  assert.is(get(store, s, 'a'), '10.0.0.6/29');
  assert.is(get(store, s, 'b'), '10.0.0.2/29');
});

test('allocate: two /30 ranges in one set, last 10.0.0.2 gives 10.0.1.2', () => {
  const store = memoryStore();
  store.last.set('0', '10.0.0.2');
  assert.is(get(store, set({ subnet: '10.0.0.0/30' }, { subnet: '10.0.1.0/30' }), 'a'), '10.0.1.2/30');
});

test('allocate: a last_reserved_ip outside the set or unparsable restarts at rangeStart', () => {
  const store = memoryStore();
  const s = set({ subnet: '10.0.0.0/24', rangeStart: '10.0.0.10' });
  store.last.set('0', '192.168.0.1');
  assert.is(get(store, s, 'a'), '10.0.0.10/24');
  store.last.set('0', '10.0.0.20\n');
  assert.is(get(store, s, 'b'), '10.0.0.11/24');
});

test('allocate: gateway .254 without rangeStart hands out .1 and never .254', () => {
  const store = memoryStore();
  const s = set({ subnet: '10.0.0.0/29', gateway: '10.0.0.6' });
  const got = [1, 2, 3, 4, 5].map((i) => get(store, s, `c${i}`));
  assert.equal(got, ['10.0.0.1/29', '10.0.0.2/29', '10.0.0.3/29', '10.0.0.4/29', '10.0.0.5/29']);
  assert.match(getErr(store, s, 'x'), /^no IP addresses available/);
});

test('allocate: a second dynamic ADD of one attachment is refused', () => {
  const store = memoryStore();
  const s = set({ subnet: '10.1.2.0/24' });
  get(store, s, 'A');
  assert.is(getErr(store, s, 'A'), '10.1.2.2 has been allocated to A, duplicate allocation is not allowed');
  assert.is(get(store, s, 'B'), '10.1.2.3/24');
});

test('allocate: a legacy id-only file counts for the duplicate check', () => {
  const store = memoryStore();
  store.files.set('10.1.2.9', 'A');
  assert.match(getErr(store, set({ subnet: '10.1.2.0/24' }), 'A'), /^10\.1\.2\.9 has been allocated to A/);
});

test('allocate: requested addresses, the gateway and a taken address', () => {
  const store = memoryStore();
  const s = set({ subnet: '10.1.2.0/24' });
  assert.is(get(store, s, 'A', ip('10.1.2.88')), '10.1.2.88/24');
  assert.is(store.last.get('0'), '10.1.2.88');
  assert.is(getErr(store, s, 'B', ip('10.1.2.88')), 'requested IP address 10.1.2.88 is not available in range set 10.1.2.1-10.1.2.254');
  assert.is(getErr(store, s, 'B', ip('10.1.2.1')), "requested ip 10.1.2.1 is subnet's gateway");
});

test('candidates: visits every address once, skipping gateways, across ranges', () => {
  const s = set({ subnet: '10.0.0.0/29', rangeStart: '10.0.0.3' }, { subnet: '10.0.1.0/29', gateway: '10.0.1.4' });
  const walk = (last?: string) => [...candidates(s, last ? ip(last) : undefined)].map((c) => formatIP(c.ip));
  assert.equal(walk(), ['10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.5', '10.0.1.6']);
  assert.equal(walk('10.0.1.3'), ['10.0.1.5', '10.0.1.6', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.1.1', '10.0.1.2', '10.0.1.3']);
  assert.equal(walk('10.0.1.6'), ['10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.5', '10.0.1.6']);
});

test('candidates: a range that is only its gateway yields nothing', () => {
  assert.equal([...candidates(set({ subnet: '10.0.0.0/30', rangeEnd: '10.0.0.1' }), undefined)], []);
});

const v4 = set({ subnet: '10.1.2.0/24' });
const v6 = set({ subnet: '2001:db8::/64' });

test('allocateAll: one address per set, in set order', () => {
  const store = memoryStore();
  const got = store.withLock(() => allocateAll(store, [v4, v6], A, []));
  assert.equal(got.ips, [
    { address: '10.1.2.2/24', gateway: '10.1.2.1' },
    { address: '2001:db8::2/64', gateway: '2001:db8::1' },
  ]);
  assert.equal(got.reserved, ['10.1.2.2', '2001:db8::2']);
});

test('allocateAll: a failing set frees what earlier sets reserved', () => {
  const store = memoryStore();
  const tiny = set({ subnet: '10.9.0.0/30' });
  store.files.set('10.9.0.2', 'other\r\neth0');
  assert.throws(() => store.withLock(() => allocateAll(store, [v4, tiny], A, [])), /^failed to allocate for range 1: no IP addresses available in range set: 10\.9\.0\.1-10\.9\.0\.2$/);
  assert.equal([...store.files.keys()], ['10.9.0.2']);
});

test('allocateAll: requested addresses go to their sets; the unmatched ones fail and free everything', () => {
  const store = memoryStore();
  const ok = store.withLock(() => allocateAll(store, [v4, v6], A, [ip('10.1.2.9'), ip('2001:db8::9')]));
  assert.equal(ok.reserved, ['10.1.2.9', '2001:db8::9']);
  const B = owner('B');
  assert.throws(() => store.withLock(() => allocateAll(store, [v4, v6], B, [ip('10.1.2.20'), ip('10.1.2.10')])), (e: Error) => e.message === 'failed to allocate all requested IPs: 10.1.2.20');
  assert.throws(() => store.withLock(() => allocateAll(store, [v4], B, [ip('192.168.1.1')])), (e: Error) => e.message === 'failed to allocate all requested IPs: 192.168.1.1');
  assert.equal([...store.files.keys()].sort(), ['10.1.2.9', '2001:db8::9']);
});

test('allocateAll: 7 for a request the config can never satisfy, 11 for what clears up once others are deleted', () => {
  const store = memoryStore();
  const tiny = set({ subnet: '10.9.0.0/30' });
  const all = (o: typeof A, sets: RangeSet[], req: IPAddr[] = []) => () => store.withLock(() => allocateAll(store, sets, o, req));
  throwsCni(all(A, [v4], [ip('192.168.1.1')]), 7, 'failed to allocate all requested IPs: 192.168.1.1');
  throwsCni(all(A, [v4], [ip('10.1.2.1')]), 7, "failed to allocate for range 0: requested ip 10.1.2.1 is subnet's gateway");
  all(A, [tiny])();
  throwsCni(all(owner('B'), [tiny]), 11, 'failed to allocate for range 0: no IP addresses available in range set: 10.9.0.1-10.9.0.2');
  throwsCni(all(A, [tiny]), 11, 'failed to allocate for range 0: 10.9.0.2 has been allocated to A, duplicate allocation is not allowed');
  throwsCni(all(owner('B'), [tiny], [ip('10.9.0.2')]), 11, 'failed to allocate for range 0: requested IP address 10.9.0.2 is not available in range set 10.9.0.1-10.9.0.2');
});

test('allocateAll: requested and dynamic sets mix', () => {
  const store = memoryStore();
  const got = store.withLock(() => allocateAll(store, [v4, v6], A, [ip('2001:db8::77')]));
  assert.equal(got.reserved, ['10.1.2.2', '2001:db8::77']);
});

test.run();
