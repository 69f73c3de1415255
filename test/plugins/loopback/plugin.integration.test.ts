// loopback through the built executable, exec'd as a runtime does, next to Debian's Go loopback
// on the same inputs, each in a fresh namespace of its own (lo down, as a new netns has it): the
// results, the errors and the state of lo in the kernel must agree, except where we differ on
// purpose (results of configs below 1.0.0 in their own layout, code 102 for CHECK).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless } from '../../helpers/skip.ts';
import { BIN_DIR, errorOf, execPlugin, REFERENCE_DIR, type Outcome } from '../../helpers/exec.ts';
import { cleanup, inNetns, jsonIn, makeNetns, type Netns } from '../../helpers/netns.ts';

const OURS = resolve(BIN_DIR, 'loopback');
const GO = resolve(REFERENCE_DIR, 'loopback');
const ready = existsSync(OURS) && existsSync(GO);
const missing = ready ? undefined : `${OURS} (make all) or ${GO} (Debian package containernetworking-plugins) missing`;

const t = suite('loopback');
t.after.each(() => cleanup());

function freshNetns(tag: string): Netns {
  const ns = makeNetns(tag);
  inNetns(ns, 'ip', 'link', 'set', 'lo', 'down');
  return ns;
}

const conf = (cniVersion: string, extra: object = {}): object => ({ cniVersion, name: 'lonet', type: 'loopback', ...extra });

function call(bin: string, command: string, netns: string, stdin: object): Outcome {
  return execPlugin(bin, { command, containerID: 'lo1', netns, ifname: 'eth0', path: resolve(bin, '..'), stdin });
}

function ok(o: Outcome): Record<string, unknown> | undefined {
  if (o.code !== 0) throw new Error(`plugin failed (${o.code}): ${o.stdout} ${o.stderr}`);
  return o.stdout.trim() === '' ? undefined : JSON.parse(o.stdout);
}

/** What the kernel says of lo: flags, state and addresses, without counters and lifetimes. */
function lo(ns: Netns): unknown {
  const [l] = jsonIn(ns, 'ip', '-j', 'addr', 'show', 'dev', 'lo');
  return { flags: l.flags, operstate: l.operstate, addrs: l.addr_info.map((a: Record<string, unknown>) => `${a.local}/${a.prefixlen} ${a.scope}`) };
}

/** A result's interfaces with the sandbox path, which differs between the two runs, masked. */
const masked = (interfaces: unknown): unknown => (interfaces as object[]).map((i) => ({ ...i, sandbox: 'NS' }));

/** Runs the same steps against both plugins, each in its own fresh namespace. */
function both<T>(tag: string, steps: (bin: string, ns: Netns) => T): [T, T] {
  return [steps(OURS, freshNetns(`${tag}o`)), steps(GO, freshNetns(`${tag}g`))];
}

testUnless(t, missing, 'ADD 1.0.0: the same result and the same lo (up, 127.0.0.1/8 and ::1/128) as the reference', () => {
  const [ours, go] = both('add', (bin, ns) => {
    const r = ok(call(bin, 'ADD', ns.path, conf('1.0.0')))!;
    const res: Record<string, unknown> = { ...r, interfaces: masked(r.interfaces) };
    return { r: res, lo: lo(ns) };
  });
  const { dns, ...goResult } = go.r;
  assert.equal(dns, {}, 'the Go build (libcni 1.1) prints an empty dns for 1.0.0; ours leaves it out');
  assert.equal(ours.r, goResult);
  assert.equal(ours.lo, go.lo);
  assert.equal(ours.lo, { flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', addrs: ['127.0.0.1/8 host', '::1/128 host'] });
});

testUnless(t, missing, 'ADD below 1.0.0: the same addresses, in each version\'s own layout (the reference labels a 1.0.0 layout with the old version)', () => {
  for (const v of ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0']) {
    const [ours, go] = both('old', (bin, ns) => ok(call(bin, 'ADD', ns.path, conf(v)))!);
    assert.is(ours.cniVersion, v);
    assert.is(go.cniVersion, v);
    const goAddrs = (go.ips as { address: string }[]).map((ip) => ip.address);
    if (v === '0.1.0' || v === '0.2.0') {
      assert.equal(ours, { cniVersion: v, ip4: { ip: goAddrs[0] }, ip6: { ip: goAddrs[1] }, dns: {} }, v);
    } else {
      assert.equal((ours.ips as object[]).map((ip) => ({ ...ip, version: undefined })), (go.ips as object[]).map((ip) => ({ ...ip, version: undefined })), v);
      assert.equal((ours.ips as { version: string }[]).map((ip) => ip.version), ['4', '6'], v);
      assert.equal(masked(ours.interfaces), masked(go.interfaces), v);
    }
    cleanup();
  }
});

testUnless(t, missing, 'ADD with a prevResult passes it on as the reference does, in 0.2.0, 0.3.1 and 1.0.0', () => {
  const prev: Record<string, object> = {
    '0.2.0': { cniVersion: '0.2.0', ip4: { ip: '10.0.0.2/24', gateway: '10.0.0.1' }, dns: { nameservers: ['10.0.0.1'] } },
    '0.3.1': { cniVersion: '0.3.1', interfaces: [{ name: 'eth0', sandbox: '/x' }], ips: [{ version: '4', interface: 0, address: '10.0.0.2/24', gateway: '10.0.0.1' }], dns: {} },
    '1.0.0': { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: '/x' }], ips: [{ interface: 0, address: '10.0.0.2/24', gateway: '10.0.0.1' }], dns: { nameservers: ['10.0.0.1'] } },
  };
  for (const [v, p] of Object.entries(prev)) {
    const [ours, go] = both('prev', (bin, ns) => ({ r: ok(call(bin, 'ADD', ns.path, conf(v, { prevResult: p }))), lo: lo(ns) }));
    assert.equal(ours, go, v);
    cleanup();
  }
});

testUnless(t, missing, 'DEL brings lo down as the reference does; CHECK passes after ADD and fails (same message) after DEL', () => {
  const [ours, go] = both('del', (bin, ns) => {
    const r = ok(call(bin, 'ADD', ns.path, conf('1.0.0')));
    ok(call(bin, 'CHECK', ns.path, conf('1.0.0', { prevResult: r })));
    ok(call(bin, 'DEL', ns.path, conf('1.0.0', { prevResult: r })));
    const state = lo(ns);
    const e = errorOf(call(bin, 'CHECK', ns.path, conf('1.0.0', { prevResult: r })));
    ok(call(bin, 'DEL', ns.path, conf('1.0.0')));
    return { state, e };
  });
  assert.equal(ours.state, go.state);
  assert.equal(ours.e, { code: 102, msg: 'loopback interface is down' });
  assert.equal(go.e, { code: 999, msg: 'loopback interface is down' });
});

testUnless(t, missing, 'DEL with an empty CNI_NETNS or a namespace gone succeeds, as the reference; ADD there fails', () => {
  for (const bin of [OURS, GO]) {
    ok(call(bin, 'DEL', '', conf('1.0.0')));
    ok(call(bin, 'DEL', '/run/netns/cnits-lo-gone', conf('1.0.0')));
    assert.match(errorOf(call(bin, 'ADD', '/run/netns/cnits-lo-gone', conf('1.0.0'))).msg, '"/run/netns/cnits-lo-gone"');
  }
});

testUnless(t, missing, 'ADD refuses a non-loopback address on lo with the reference message; ours leaves lo down as it found it', () => {
  const [ours, go] = both('foreign', (bin, ns) => {
    inNetns(ns, 'ip', 'addr', 'add', '192.0.2.7/32', 'dev', 'lo');
    return { e: errorOf(call(bin, 'ADD', ns.path, conf('1.0.0'))), up: (lo(ns) as { flags: string[] }).flags.includes('UP') };
  });
  assert.is(ours.e.msg, 'loopback interface found with non-loopback address "192.0.2.7"');
  assert.is(ours.e.msg, go.e.msg);
  assert.is(ours.up, false);
  assert.is(go.up, true, 'the reference leaves lo up');
});

t('CHECK of ours: an address ADD reported that is gone is code 102', () => {
  const ns = freshNetns('chk');
  const r = ok(call(OURS, 'ADD', ns.path, conf('1.0.0')));
  inNetns(ns, 'ip', 'addr', 'del', '::1/128', 'dev', 'lo');
  assert.equal(errorOf(call(OURS, 'CHECK', ns.path, conf('1.0.0', { prevResult: r }))), { code: 102, msg: 'loopback interface lacks address ::1/128' });
});

t.run();
