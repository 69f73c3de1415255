// The exact route messages lib/net builds, and the routes it reads from kernel answers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { F, RTM, attr, parseAttrs, readU32, u32 } from '../../../lib/net/codec.ts';
import { parseRoute, routeRequest } from '../../../lib/net/routes.ts';

const test = suite('net codec');

const hex = (b: Buffer): string => b.toString('hex');

test('routeRequest: CREATE without EXCL by default, host bits cleared, tables above 255 by attribute', () => {
  const r = routeRequest('add', { dst: '10.1.2.3/24', gw: '10.1.2.1', oif: 2, table: 1000, priority: 7, scope: 253 });
  assert.is(r.type, RTM.NEWROUTE);
  assert.is(r.flags, F.CREATE);
  assert.is(hex(r.body.subarray(0, 8)), '021800000003fd01');
  const a = parseAttrs(r.body, 12);
  assert.is(readU32(a.get(15) ?? Buffer.alloc(4)), 1000);
  assert.is(hex(a.get(1) ?? Buffer.alloc(0)), '0a010200');
  assert.is(hex(a.get(5) ?? Buffer.alloc(0)), '0a010201');
  assert.is(readU32(a.get(4) ?? Buffer.alloc(4)), 2);
  assert.is(readU32(a.get(6) ?? Buffer.alloc(4)), 7);
  assert.is(hex(routeRequest('add', { dst: '0.0.0.0/0', gw: '10.1.2.1' }).body.subarray(0, 8)), '02000000fe030001');
  assert.not.ok(parseAttrs(routeRequest('add', { dst: '0.0.0.0/0' }).body, 12).has(1));
  assert.is(routeRequest('add', { dst: '::/0' }, { replace: true }).flags, F.CREATE | F.REPLACE);
  assert.is(routeRequest('add', { dst: '::/0' }, { exclusive: true }).flags, F.CREATE | F.EXCL);
  const del = routeRequest('delete', { dst: '10.0.0.0/8' });
  assert.is(del.type, RTM.DELROUTE);
  assert.is(hex(del.body.subarray(0, 8)), '02080000fe00ff00');
  assert.throws(() => routeRequest('add', { dst: '10.0.0.0/8', gw: 'fd00::1' }), /not of the same family/);
});

test('parseRoute: a default route without RTA_DST, multipath nexthops, cache clones skipped', () => {
  const hop = (oif: number, gw: string): Buffer => {
    const g = attr(5, Buffer.from(gw, 'hex'));
    const h = Buffer.alloc(8);
    h.writeUInt16LE(8 + g.length);
    h.writeInt32LE(oif, 4);
    return Buffer.concat([h, g]);
  };
  const v6 = Buffer.concat([
    Buffer.from([10, 0, 0, 0, 254, 3, 0, 1]), u32(0),
    attr(15, u32(254)), attr(6, u32(1024)),
    attr(9, hop(2, 'fd000000000000000000000000000001'), hop(3, 'fd000000000000000000000000000004')),
  ]);
  assert.equal(parseRoute(v6), {
    family: 6, dst: '::/0', table: 254, scope: 0, protocol: 3, type: 1, priority: 1024,
    nexthops: [{ oif: 2, gw: 'fd00::1' }, { oif: 3, gw: 'fd00::4' }],
  });
  const clone = Buffer.concat([Buffer.from([2, 32, 0, 0, 254, 2, 0, 1]), u32(0x200)]);
  assert.is(parseRoute(clone), undefined);
});

test.run();
