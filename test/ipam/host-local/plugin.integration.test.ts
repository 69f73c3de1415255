// Scenarios 9-23 of the reference contract (REFERENCE-PLUGINS.md section 5), through the built
// executable, in every result version where the scenario exists. Needs `make` and root.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addresses, ALL_VERSIONS, conf, errorOf, inWorld, ipsOf, ok, readLast, reservations, run, runAsync } from '../../helpers/host-local.ts';

const test = suite('host-local scenarios');
const dual = { ranges: [[{ subnet: '10.1.2.0/24' }], [{ subnet: '2001:db8:1::/64' }]] };
const v4 = { ranges: [[{ subnet: '10.1.2.0/24' }]] };
const CHECK_VERSIONS = ALL_VERSIONS.filter((v) => v >= '0.4.0');

for (const version of ALL_VERSIONS) {
  test(`9 [${version}] ADD dual-stack gives .2 and ::2 with gateways, files and last_reserved_ip; DEL removes them`, () =>
    inWorld((w) => {
      const c = conf(w, dual, version);
      assert.equal(ipsOf(ok(run(w, 'ADD', c)), version), [
        { address: '10.1.2.2/24', gateway: '10.1.2.1' },
        { address: '2001:db8:1::2/64', gateway: '2001:db8:1::1' },
      ]);
      assert.equal(
        reservations(w),
        new Map([
          ['10.1.2.2', 'dummy\r\neth0'],
          ['2001:db8:1::2', 'dummy\r\neth0'],
        ]),
      );
      assert.is(readLast(w, 0), '10.1.2.2');
      assert.is(readLast(w, 1), '2001:db8:1::2');
      ok(run(w, 'DEL', c));
      assert.is(reservations(w).size, 0);
    }));

  test(`10 [${version}] routes come back verbatim and resolvConf becomes dns`, () =>
    inWorld((w) => {
      const resolv = join(w.dataDir, 'resolv.conf');
      writeFileSync(resolv, '# comment\n; other\nnameserver 1.1.1.1\nnameserver 8.8.8.8 ignored\ndomain a.example\ndomain b.example\nsearch x.example y.example\nsearch z.example\noptions ndots:2 edns0\noptions rotate\nbogus\n');
      const routes = [{ dst: '0.0.0.0/0' }, { dst: '192.168.0.0/16', gw: '10.1.2.254' }, { dst: '2001:db8:9::/48', gw: '2001:db8:1::fe' }];
      const r = ok(run(w, 'ADD', conf(w, { ...dual, routes, resolvConf: resolv }, version)));
      const dns = { nameservers: ['1.1.1.1', '8.8.8.8'], domain: 'b.example', search: ['x.example', 'y.example', 'z.example'], options: ['ndots:2', 'edns0', 'rotate'] };
      if (version === '0.1.0' || version === '0.2.0') {
        assert.equal((r.ip4 as { routes: unknown }).routes, routes.slice(0, 2));
        assert.equal((r.ip6 as { routes: unknown }).routes, routes.slice(2));
        assert.equal(r.dns, dns);
      } else {
        assert.equal(r.routes, routes);
        assert.equal(r.dns, dns);
      }
    }));

  test(`12 [${version}] a second ADD of one attachment is refused; another container gets .3`, () =>
    inWorld((w) => {
      const c = conf(w, v4, version);
      ok(run(w, 'ADD', c));
      const e = errorOf(run(w, 'ADD', c));
      assert.is(e.msg, 'failed to allocate for range 0: 10.1.2.2 has been allocated to dummy, duplicate allocation is not allowed');
      assert.equal(addresses(ok(run(w, 'ADD', c, { id: 'other' })), version), ['10.1.2.3/24']);
    }));

  test(`15 [${version}] round-robin: ADD A .2, DEL A, ADD B .3`, () =>
    inWorld((w) => {
      const c = conf(w, v4, version);
      assert.equal(addresses(ok(run(w, 'ADD', c, { id: 'A' })), version), ['10.1.2.2/24']);
      ok(run(w, 'DEL', c, { id: 'A' }));
      assert.equal(addresses(ok(run(w, 'ADD', c, { id: 'B' })), version), ['10.1.2.3/24']);
    }));

  test(`16 [${version}] exhaustion of a /29 after .2-.6; a DEL frees one for the next ADD`, () =>
    inWorld((w) => {
      const c = conf(w, { ranges: [[{ subnet: '10.0.0.0/29' }]] }, version);
      const got = [1, 2, 3, 4, 5].map((i) => addresses(ok(run(w, 'ADD', c, { id: `c${i}` })), version)[0]);
      assert.equal(got, ['10.0.0.2/29', '10.0.0.3/29', '10.0.0.4/29', '10.0.0.5/29', '10.0.0.6/29']);
      const e = errorOf(run(w, 'ADD', c, { id: 'c6' }));
      assert.is(e.msg, 'failed to allocate for range 0: no IP addresses available in range set: 10.0.0.1-10.0.0.6');
      ok(run(w, 'DEL', c, { id: 'c3' }));
      assert.equal(addresses(ok(run(w, 'ADD', c, { id: 'c6' })), version), ['10.0.0.4/29']);
    }));

  test(`17 [${version}] gateway .254 without rangeStart: first address .1, .254 never handed out`, () =>
    inWorld((w) => {
      const c = conf(w, { ranges: [[{ subnet: '10.0.0.0/29', gateway: '10.0.0.6' }]] }, version);
      const got = [1, 2, 3, 4, 5].map((i) => ipsOf(ok(run(w, 'ADD', c, { id: `c${i}` })), version)[0]);
      assert.equal(got[0], { address: '10.0.0.1/29', gateway: '10.0.0.6' });
      assert.not.ok(got.some((x) => x!.address.startsWith('10.0.0.6/')));
      assert.match(errorOf(run(w, 'ADD', c, { id: 'c6' })).msg, /no IP addresses available/);
    }));

  test(`18 [${version}] requested IP through CNI_ARGS; again from another container; the gateway; outside all ranges`, () =>
    inWorld((w) => {
      const c = conf(w, v4, version);
      assert.equal(addresses(ok(run(w, 'ADD', c, { id: 'a', args: 'IgnoreUnknown=1;IP=10.1.2.88' })), version), ['10.1.2.88/24']);
      assert.is(errorOf(run(w, 'ADD', c, { id: 'b', args: 'IgnoreUnknown=1;IP=10.1.2.88' })).msg, 'failed to allocate for range 0: requested IP address 10.1.2.88 is not available in range set 10.1.2.1-10.1.2.254');
      assert.is(errorOf(run(w, 'ADD', c, { id: 'b', args: 'IP=10.1.2.1' })).msg, "failed to allocate for range 0: requested ip 10.1.2.1 is subnet's gateway");
      assert.is(errorOf(run(w, 'ADD', c, { id: 'b', args: 'IP=10.9.9.9' })).msg, 'failed to allocate all requested IPs: 10.9.9.9');
      assert.equal([...reservations(w).keys()], ['10.1.2.88'], 'failed ADDs leave nothing behind');
    }));

  test(`18 [${version}] args.cni.ips and runtimeConfig.ips across v4 and v6 sets; two in one set fail`, () =>
    inWorld((w) => {
      const a = ok(run(w, 'ADD', conf(w, dual, version, { args: { cni: { ips: ['10.1.2.77', '2001:db8:1::77'] } } }), { id: 'a' }));
      assert.equal(addresses(a, version), ['10.1.2.77/24', '2001:db8:1::77/64']);
      const b = ok(run(w, 'ADD', conf(w, dual, version, { runtimeConfig: { ips: ['10.1.2.78/24', '2001:db8:1::78/64'] } }), { id: 'b' }));
      assert.equal(addresses(b, version), ['10.1.2.78/24', '2001:db8:1::78/64']);
      const e = errorOf(run(w, 'ADD', conf(w, dual, version, { args: { cni: { ips: ['10.1.2.80', '10.1.2.81'] } } }), { id: 'c' }));
      assert.is(e.msg, 'failed to allocate all requested IPs: 10.1.2.81');
      assert.is(reservations(w).size, 4);
    }));

  test(`21 [${version}] runtimeConfig.ipRanges is allocated first, in addition to the configured ranges`, () =>
    inWorld((w) => {
      const c = conf(w, { ranges: [[{ subnet: '2001:db8:1::/64' }]] }, version, { runtimeConfig: { ipRanges: [[{ subnet: '10.5.0.0/24', rangeStart: '10.5.0.100' }]] } });
      assert.equal(addresses(ok(run(w, 'ADD', c)), version), ['10.5.0.100/24', '2001:db8:1::2/64']);
    }));
}

test('11 one container on two networks and with two ifnames gets independent files; DEL eth0 leaves eth1', () =>
  inWorld((w) =>
    inWorld((w2) => {
      const c1 = conf(w, v4);
      const c2 = conf(w2, { ranges: [[{ subnet: '10.1.3.0/24' }]] });
      ok(run(w, 'ADD', c1, { ifname: 'eth0' }));
      ok(run(w, 'ADD', c1, { ifname: 'eth1' }));
      ok(run(w2, 'ADD', c2, { ifname: 'eth1' }));
      assert.equal(reservations(w), new Map([['10.1.2.2', 'dummy\r\neth0'], ['10.1.2.3', 'dummy\r\neth1']]));
      ok(run(w, 'DEL', c1, { ifname: 'eth0' }));
      assert.equal(reservations(w), new Map([['10.1.2.3', 'dummy\r\neth1']]));
      assert.equal(reservations(w2), new Map([['10.1.3.2', 'dummy\r\neth1']]));
    }),
  ));

test('13 DEL of an unknown ID succeeds, DEL twice succeeds, DEL without a netns succeeds', () =>
  inWorld((w) => {
    const c = conf(w, v4);
    ok(run(w, 'DEL', c, { id: 'never-added' }));
    ok(run(w, 'ADD', c));
    ok(run(w, 'DEL', c));
    ok(run(w, 'DEL', c));
    ok(run(w, 'ADD', c, { id: 'x' }));
    ok(run(w, 'ADD', c, { id: 'y' }));
    ok(run(w, 'DEL', c, { id: 'x', netns: '/run/netns/does-not-exist' }));
    ok(run(w, 'DEL', c, { id: 'y', netns: '' }));
    assert.is(reservations(w).size, 0);
  }));

test('13 DEL on a network that never existed creates nothing', () =>
  inWorld((w) => {
    ok(run(w, 'DEL', conf(w, v4)));
    assert.is(reservations(w).size, 0);
  }));

test('14 a legacy file holding only the container ID is released by DEL', () =>
  inWorld((w) => {
    const c = conf(w, v4);
    ok(run(w, 'ADD', c, { id: 'other' }));
    writeFileSync(join(w.dir, '10.1.2.50'), 'dummy');
    ok(run(w, 'DEL', c));
    assert.equal([...reservations(w).keys()], ['10.1.2.2']);
  }));

test('19 CNI_ARGS with an unknown key and no IgnoreUnknown is refused', () =>
  inWorld((w) => {
    const e = errorOf(run(w, 'ADD', conf(w, v4), { args: 'K8S_POD_NAME=x' }));
    assert.is(e.code, 4);
    assert.is(e.msg, 'ARGS: unknown args ["K8S_POD_NAME=x"]');
  }));

const configErrors: [string, Record<string, unknown>, string, string?][] = [
  ['host bits', { subnet: '10.1.2.3/24' }, 'invalid range set 0: Network has host bits set. For a subnet mask of length 24 the network address is 10.1.2.0'],
  ['/31', { subnet: '10.1.2.0/31' }, 'invalid range set 0: Network 10.1.2.0/31 too small to allocate from'],
  ['rangeStart outside', { ranges: [[{ subnet: '10.1.2.0/24', rangeStart: '10.1.3.1' }]] }, 'invalid range set 0: RangeStart 10.1.3.1 not in network 10.1.2.0/24'],
  ['overlapping sets', { ranges: [[{ subnet: '10.1.2.0/24' }], [{ subnet: '10.1.2.128/25' }]] }, 'range set 0 overlaps with 1'],
  ['mixed families', { ranges: [[{ subnet: '10.1.2.0/24' }, { subnet: '2001:db8::/64' }]] }, 'invalid range set 0: mixed address families'],
  ['two v4 sets at 0.2.0', { ranges: [[{ subnet: '10.1.2.0/24' }], [{ subnet: '10.1.3.0/24' }]] }, 'CNI version 0.2.0 does not support more than 1 address per family', '0.2.0'],
  ['no ranges', {}, 'no IP ranges specified'],
];
for (const [name, ipam, msg, version] of configErrors) {
  test(`20 config error, ${name}: code 7, "${msg}"`, () =>
    inWorld((w) => {
      const e = errorOf(run(w, 'ADD', conf(w, ipam, version ?? '1.0.0')));
      assert.equal([e.code, e.msg], [7, msg]);
    }));
}

test("20 config error, no ipam: code 7, \"IPAM config missing 'ipam' key\"", () =>
  inWorld((w) => {
    const e = errorOf(run(w, 'ADD', { cniVersion: '1.0.0', name: w.network, type: 'host-local' }));
    assert.equal([e.code, e.msg], [7, "IPAM config missing 'ipam' key"]);
  }));

for (const version of CHECK_VERSIONS) {
  test(`22 [${version}] CHECK after ADD succeeds; after DEL it names the container`, () =>
    inWorld((w) => {
      const c = conf(w, dual, version);
      const added = ok(run(w, 'ADD', c));
      const withPrev = { ...c, prevResult: added };
      const r = run(w, 'CHECK', withPrev);
      assert.equal([r.code, r.stdout], [0, '']);
      ok(run(w, 'DEL', withPrev));
      assert.is(errorOf(run(w, 'CHECK', withPrev)).msg, 'host-local: Failed to find address added by container dummy');
    }));
}

test('23 50 parallel ADDs on one /24: 50 distinct addresses, 50 files, no errors', () =>
  inWorld(async (w) => {
    const c = conf(w, v4);
    const outs = await Promise.all(Array.from({ length: 50 }, (_, i) => runAsync(w, 'ADD', c, { id: `p${i}` }).done));
    const got = outs.map((o) => addresses(ok(o), '1.0.0')[0]);
    assert.is(new Set(got).size, 50);
    assert.is(reservations(w).size, 50);
  }));

test('GC keeps valid attachments (either key) and legacy files of valid IDs, frees the rest', () =>
  inWorld((w) => {
    const c = conf(w, v4, '1.1.0');
    for (const id of ['keep', 'drop']) ok(run(w, 'ADD', c, { id }));
    ok(run(w, 'ADD', c, { id: 'keep', ifname: 'eth1' }));
    writeFileSync(join(w.dir, '10.1.2.60'), 'keep');
    writeFileSync(join(w.dir, '10.1.2.61'), 'gone');
    writeFileSync(join(w.dir, '10.1.2.62'), '');
    const gc = (key: string) =>
      run(w, 'GC', { ...c, [key]: [{ containerID: 'keep', ifname: 'eth0' }] }, {});
    ok(gc('cni.dev/valid-attachments'));
    assert.equal([...reservations(w).keys()].sort(), ['10.1.2.2', '10.1.2.60']);
    ok(gc('cni.dev/attachments'));
    assert.equal([...reservations(w).keys()].sort(), ['10.1.2.2', '10.1.2.60']);
    const quiet = run(w, 'GC', c);
    assert.equal([quiet.code, quiet.stdout], [0, ''], 'scenario 7: GC exits 0 without output');
    assert.is(reservations(w).size, 2, 'a GC that names no valid attachments frees nothing');
    ok(run(w, 'GC', { ...c, 'cni.dev/valid-attachments': null, 'cni.dev/attachments': null }));
    assert.is(reservations(w).size, 0, 'null, as libcni sends an empty list, means none is valid');
  }));

test('STATUS: success while an address is left, code 50 when every set is exhausted or dataDir is not writable', () =>
  inWorld((w) => {
    const c = conf(w, { ranges: [[{ subnet: '10.0.0.0/30' }]] }, '1.1.0');
    ok(run(w, 'STATUS', c));
    ok(run(w, 'ADD', c, { id: 'only' }));
    const e = errorOf(run(w, 'STATUS', c));
    assert.equal([e.code, e.msg], [50, 'no IP addresses available in range set: 10.0.0.1-10.0.0.2']);
    const blocked = join(w.dataDir, 'file');
    writeFileSync(blocked, '');
    const e2 = errorOf(run(w, 'STATUS', { ...c, ipam: { ...(c.ipam as object), dataDir: blocked } }));
    assert.is(e2.code, 50);
    assert.match(e2.msg, /^data directory is not writable: mkdir .*: not a directory$/);
  }));

test.run();
