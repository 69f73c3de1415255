// portmap through the built executable, inside namespaces the test makes: the layouts, the data
// path (TCP, UDP, localhost, hairpin, hostIP, v6, snat off, masqAll), the UDP conntrack flush,
// DEL/CHECK/GC/STATUS, on both backends. Scenarios 43-51 of the reference file.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless } from '../../helpers/skip.ts';
import { spawnSync } from 'node:child_process';
import { BIN_DIR, cniEnv, errorOf, type Outcome } from '../../helpers/exec.ts';
import { cleanup, execPluginIn, inNetns, tryInNetns } from '../../helpers/netns.ts';
import { makeWorld, request, startServer, type Container, type World } from '../../helpers/portmap-net.ts';
import { dnatChainName } from '../../../plugins/portmap/firewall/iptables-plan.ts';

const BIN = resolve(BIN_DIR, 'portmap');
const built = existsSync(BIN);
const missing = built ? undefined : `${BIN} is not built (make all)`;

interface Mapping {
  hostPort: number;
  containerPort: number;
  protocol: string;
  hostIP?: string;
}

function conf(c: Container | undefined, mappings: Mapping[] | undefined, extra: object = {}, version = '1.0.0'): object {
  return {
    cniVersion: version,
    name: 'pmnet',
    type: 'portmap',
    ...(mappings && { runtimeConfig: { portMappings: mappings } }),
    ...(c && { prevResult: c.prevResult(version) }),
    ...extra,
  };
}

function run(w: World, command: string, id: string, c: Container | undefined, stdin: object, netns = c?.ns.path ?? w.containers[0]?.ns.path ?? ''): Outcome {
  return execPluginIn(w.host, BIN, { command, containerID: id, netns, ifname: 'eth0', path: BIN_DIR, stdin });
}

function ok(o: Outcome): Outcome {
  if (o.code !== 0) throw new Error(`plugin failed (${o.code}): ${o.stdout} ${o.stderr}`);
  return o;
}

const natRules = (w: World, family: 4 | 6 = 4): string[] =>
  inNetns(w.host, family === 6 ? 'ip6tables-save' : 'iptables-save', '-t', 'nat').split('\n').filter((l) => l.startsWith('-A') || l.startsWith(':'));

const nftTable = (w: World, family: 'ip' | 'ip6' = 'ip'): string => tryInNetns(w.host, 'nft', 'list', 'table', family, 'cni_hostport').stdout;

for (const backend of ['iptables', 'nftables'] as const) {
  const t = suite(`portmap ${backend}`);
  const extra = { backend };
  let w: World;
  t.before.each(() => {
    w = makeWorld('pm');
  });
  t.after.each(() => cleanup());

  testUnless(t, missing, `[${backend}] 43: ADD needs a prevResult; no mappings passes it through and touches nothing`, () => {
    const c = w.addContainer();
    assert.is(errorOf(run(w, 'ADD', 'c1', undefined, conf(undefined, [{ hostPort: 1, containerPort: 1, protocol: 'tcp' }], extra))).msg, 'must be called as chained plugin');
    const out = ok(run(w, 'ADD', 'c1', c, conf(c, [], extra)));
    assert.equal(JSON.parse(out.stdout), c.prevResult());
    assert.equal(natRules(w).filter((l) => l.includes('CNI')), []);
    assert.is(nftTable(w), '');
    ok(run(w, 'DEL', 'c1', c, conf(c, undefined, extra)));
    ok(run(w, 'CHECK', 'c1', c, conf(c, undefined, extra)));
  });

  testUnless(t, missing, `[${backend}] 45-47: TCP, localhost, hairpin, direct, hostIP, v6 and UDP reach the container`, async () => {
    const a = w.addContainer();
    const servers = [await startServer(a.ns, 'tcp', 80, 'A'), await startServer(a.ns, 'udp', 53, 'A')];
    try {
      const maps = [
        { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
        { hostPort: 8053, containerPort: 53, protocol: 'udp' },
        { hostPort: 8090, containerPort: 80, protocol: 'tcp', hostIP: '192.168.77.1' },
        { hostPort: 8091, containerPort: 80, protocol: 'tcp', hostIP: 'fd77::1' },
      ];
      ok(run(w, 'ADD', 'a', a, conf(a, maps, extra)));
      const [h1, h2] = w.hostAddrs;
      assert.is(request(w.host, 'tcp', h1, 8080), `A ${h1}`);
      assert.is(request(w.host, 'tcp', '127.0.0.1', 8080), `A ${a.gw4}`, 'localhost, masqueraded');
      assert.is(inNetns(w.host, 'sysctl', '-n', `net.ipv4.conf.${a.hostLink}.route_localnet`).trim(), '1');
      assert.is(request(a.ns, 'tcp', h1, 8080), `A ${a.gw4}`, 'hairpin, masqueraded');
      assert.is(request(w.host, 'tcp', a.ip4, 80), `A ${a.gw4}`, 'direct');
      assert.is(request(w.host, 'tcp', h1, 8090), `A ${h1}`, 'hostIP matched');
      assert.match(request(w.host, 'tcp', h2, 8090), /ERROR ECONNREFUSED/, 'other host address not forwarded');
      assert.is(request(w.host, 'tcp', w.hostAddr6, 8080), `A ${w.hostAddr6}`, 'v6');
      assert.is(request(w.host, 'tcp', w.hostAddr6, 8091), `A ${w.hostAddr6}`, 'v6 hostIP');
      assert.match(request(w.host, 'tcp', h1, 8091), /ERROR ECONNREFUSED/, 'a v6 hostIP is not applied to v4');
      assert.is(request(w.host, 'udp', h1, 8053), `A ${h1}`, 'udp');
      ok(run(w, 'CHECK', 'a', a, conf(a, maps, extra)));
      ok(run(w, 'DEL', 'a', a, conf(a, maps, extra)));
      assert.match(request(w.host, 'tcp', h1, 8080), /ERROR ECONNREFUSED/, 'gone after DEL');
      ok(run(w, 'DEL', 'a', a, conf(a, maps, extra)));
      ok(run(w, 'DEL', 'a', undefined, conf(undefined, maps, extra)));
    } finally {
      for (const s of servers) s.stop();
    }
  });

  testUnless(t, missing, `[${backend}] 46: UDP conntrack entries of the host port are flushed on DEL and on ADD (#1190)`, async () => {
    const a = w.addContainer();
    const b = w.addContainer();
    const servers = [await startServer(a.ns, 'udp', 53, 'A'), await startServer(b.ns, 'udp', 53, 'B')];
    const [h1] = w.hostAddrs;
    const maps = [{ hostPort: 8053, containerPort: 53, protocol: 'udp' }];
    try {
      ok(run(w, 'ADD', 'a', a, conf(a, maps, extra)));
      assert.is(request(w.host, 'udp', h1, 8053, 40053), `A ${h1}`);
      ok(run(w, 'DEL', 'a', a, conf(a, maps, extra)));
      ok(run(w, 'ADD', 'b', b, conf(b, maps, extra)));
      assert.is(request(w.host, 'udp', h1, 8053, 40053), `B ${h1}`, 'same source port reaches the new container at once');
      ok(run(w, 'DEL', 'b', b, conf(b, maps, extra)));
      // A flow that met no mapping leaves an entry too; ADD must clear it.
      assert.is(request(w.host, 'udp', h1, 8053, 40054), 'TIMEOUT');
      ok(run(w, 'ADD', 'a', a, conf(a, maps, extra)));
      assert.is(request(w.host, 'udp', h1, 8053, 40054), `A ${h1}`);
      ok(run(w, 'DEL', 'a', a, conf(a, maps, extra)));
    } finally {
      for (const s of servers) s.stop();
    }
  });

  testUnless(t, missing, `[${backend}] 48: snat false forwards without masquerade; masqAll masquerades every source`, async () => {
    const a = w.addContainer();
    const server = await startServer(a.ns, 'tcp', 80, 'A');
    const [h1] = w.hostAddrs;
    const maps = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }];
    try {
      ok(run(w, 'ADD', 'a', a, conf(a, maps, { ...extra, snat: false })));
      assert.is(request(w.host, 'tcp', h1, 8080), `A ${h1}`);
      assert.is(request(w.host, 'tcp', '127.0.0.1', 8080), 'TIMEOUT', 'localhost needs snat');
      if (backend === 'iptables') assert.not.ok(natRules(w).some((l) => l.includes('SETMARK') || l.includes('127.0.0.1')));
      else assert.not.ok(nftTable(w).includes('masq'));
      ok(run(w, 'CHECK', 'a', a, conf(a, maps, { ...extra, snat: false })));
      ok(run(w, 'DEL', 'a', a, conf(a, maps, { ...extra, snat: false })));
      ok(run(w, 'ADD', 'a', a, conf(a, maps, { ...extra, masqAll: true })));
      assert.is(request(w.host, 'tcp', h1, 8080), `A ${a.gw4}`, 'masqAll');
      ok(run(w, 'CHECK', 'a', a, conf(a, maps, { ...extra, masqAll: true })));
      ok(run(w, 'DEL', 'a', a, conf(a, maps, { ...extra, masqAll: true })));
    } finally {
      server.stop();
    }
  });

  testUnless(t, missing, `[${backend}] 51: CHECK passes after ADD, fails when a rule is removed, needs a prevResult`, () => {
    const a = w.addContainer();
    const maps = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }];
    ok(run(w, 'ADD', 'a', a, conf(a, maps, extra)));
    ok(run(w, 'CHECK', 'a', a, conf(a, maps, extra)));
    assert.is(errorOf(run(w, 'CHECK', 'a', undefined, conf(undefined, maps, extra))).msg, 'Required prevResult missing');
    if (backend === 'iptables') {
      const chain = dnatChainName({ network: 'pmnet', containerID: 'a' });
      inNetns(w.host, 'iptables', '-t', 'nat', '-D', chain, '-p', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', `${a.ip4}:80`);
    } else {
      const handle = /dnat to .* # handle (\d+)/.exec(inNetns(w.host, 'nft', '-a', 'list', 'table', 'ip', 'cni_hostport'))![1]!;
      const chain = /chain (dn-[0-9a-f-]+)/.exec(nftTable(w))![1]!;
      inNetns(w.host, 'nft', 'delete', 'rule', 'ip', 'cni_hostport', chain, 'handle', handle);
    }
    assert.match(errorOf(run(w, 'CHECK', 'a', a, conf(a, maps, extra))).msg, /could not check ipv4 dnat/);
    ok(run(w, 'DEL', 'a', a, conf(a, maps, extra)));
  });

  testUnless(t, missing, `[${backend}] GC removes this network's attachments that are not valid, and nothing else`, () => {
    const a = w.addContainer();
    const maps = (p: number): Mapping[] => [{ hostPort: p, containerPort: 80, protocol: 'tcp' }];
    ok(run(w, 'ADD', 'c1', a, conf(a, maps(8081), extra)));
    ok(run(w, 'ADD', 'c2', a, conf(a, maps(8082), extra)));
    ok(run(w, 'ADD', 'c3', a, conf(a, maps(8083), { ...extra, name: 'othernet' })));
    ok(run(w, 'GC', '', undefined, { cniVersion: '1.1.0', name: 'pmnet', type: 'portmap', ...extra, 'cni.dev/valid-attachments': [{ containerID: 'c1', ifname: 'eth0' }] }));
    if (backend === 'iptables') {
      const rules = natRules(w).join('\n');
      assert.ok(rules.includes('--dports 8081'));
      assert.not.ok(rules.includes('--dports 8082'));
      assert.not.ok(rules.includes(dnatChainName({ network: 'pmnet', containerID: 'c2' })));
      assert.ok(rules.includes('--dports 8083'));
    } else {
      const table = nftTable(w);
      assert.ok(table.includes('tcp . 8081'));
      assert.not.ok(table.includes('tcp . 8082'));
      assert.ok(table.includes('tcp . 8083'));
      assert.is((table.match(/chain dn-/g) ?? []).length, 2);
    }
  });

  testUnless(t, missing, `[${backend}] STATUS: success here, code 50 when the backend's tools cannot run`, () => {
    const s = { cniVersion: '1.1.0', name: 'pmnet', type: 'portmap', ...extra };
    ok(run(w, 'STATUS', '', undefined, s));
    // The plugin alone runs with a PATH where neither iptables nor nft can be found.
    const r = spawnSync('/usr/sbin/ip', ['netns', 'exec', w.host.name, '/usr/bin/env', 'PATH=/nonexistent', BIN], {
      env: cniEnv({ command: 'STATUS', path: BIN_DIR }),
      input: JSON.stringify(s),
      encoding: 'utf8',
    });
    const e = errorOf({ code: r.status, stdout: r.stdout, stderr: r.stderr });
    assert.is(e.code, 50);
  });

  testUnless(t, missing, `[${backend}] a failed ADD leaves route_localnet and the rules as they were; a condition the tool would refuse fails up front`, () => {
    const a = w.addContainer();
    const maps = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }];
    const localnet = (): string => inNetns(w.host, 'sysctl', '-n', `net.ipv4.conf.${a.hostLink}.route_localnet`).trim();
    // The shared chains and tables stay once made, by design; the attachment's own must not.
    const state = (): unknown => ({
      localnet: localnet(),
      rules: [...natRules(w), ...natRules(w, 6)].filter((l) => /CNI-(DN|SN)-/.test(l)),
      nft: /chain (dn|masq)-|goto/.test(nftTable(w) + nftTable(w, 'ip6')),
    });
    const before = state();
    assert.is(localnet(), '0');
    // Accepted by our check, refused by the tool only after route_localnet was set.
    const late = backend === 'iptables' ? ['-m', 'nosuchmatch'] : ['meta', 'nosuchkey', '1'];
    const e = errorOf(run(w, 'ADD', 'a', a, conf(a, maps, { ...extra, conditionsV4: late })));
    assert.is(e.code, backend === 'iptables' ? 100 : 101, e.msg);
    assert.equal(state(), before);
    const early = backend === 'iptables' ? ['--'] : ['ip', 'saddr', '10.0.0.1;', 'flush', 'ruleset'];
    const e7 = errorOf(run(w, 'ADD', 'a', a, conf(a, maps, { ...extra, conditionsV4: early })));
    assert.is(e7.code, 7);
    assert.match(e7.msg, /^invalid conditionsV4: /);
    assert.equal(state(), before);
  });

  t.run();
}

const t = suite('portmap layouts and interop');
let w: World;
t.before.each(() => {
  w = makeWorld('pmx');
});
t.after.each(() => cleanup());

testUnless(t, missing, '44/48/49: the iptables layout, exactly as the reference writes it', () => {
  const a = w.addContainer();
  const ports = Array.from({ length: 16 }, (_, i) => ({ hostPort: 9000 + i, containerPort: 80, protocol: 'tcp' }));
  ok(run(w, 'ADD', 'a', a, conf(a, [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }, ...ports], { markMasqBit: 5 })));
  const chain = dnatChainName({ network: 'pmnet', containerID: 'a' });
  const rules = natRules(w);
  for (const line of [
    `:${chain} - [0:0]`,
    ':CNI-HOSTPORT-DNAT - [0:0]',
    ':CNI-HOSTPORT-MASQ - [0:0]',
    ':CNI-HOSTPORT-SETMARK - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
    `-A ${chain} -s 10.99.${a.ip4.split('.')[2]}.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
    `-A ${chain} -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
    `-A ${chain} -p tcp -m tcp --dport 8080 -j DNAT --to-destination ${a.ip4}:80`,
    `-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"pmnet\\" id: \\"a\\"" -m multiport --dports 8080,${ports.slice(0, 14).map((p) => p.hostPort).join(',')} -j ${chain}`,
    `-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"pmnet\\" id: \\"a\\"" -m multiport --dports 9014,9015 -j ${chain}`,
    '-A CNI-HOSTPORT-MASQ -m mark --mark 0x20/0x20 -j MASQUERADE',
    '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x20/0x20',
  ]) assert.ok(rules.includes(line), line);
  // A re-ADD replaces, never duplicates.
  ok(run(w, 'ADD', 'a', a, conf(a, [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }, ...ports], { markMasqBit: 5 })));
  assert.equal(natRules(w), rules);
  const before = natRules(w);
  ok(run(w, 'DEL', 'a', a, conf(a, undefined)));
  assert.equal(natRules(w), before, 'a DEL without mappings changes nothing');
  ok(run(w, 'DEL', 'a', a, conf(a, [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }, ...ports], { markMasqBit: 5 })));
  const after = natRules(w);
  assert.not.ok(after.some((l) => l.includes(chain)));
  assert.ok(after.includes(':CNI-HOSTPORT-DNAT - [0:0]'), 'shared chains stay');
  assert.match(errorOf(run(w, 'ADD', 'a', a, conf(a, [{ hostPort: 0, containerPort: 80, protocol: 'tcp' }]))).msg, /Invalid host port number: 0/);
});

testUnless(t, missing, '50: nftables keeps the reference skeleton; a DEL leaves only it', () => {
  const a = w.addContainer();
  const maps = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }];
  ok(run(w, 'ADD', 'a', a, conf(a, maps, { backend: 'nftables' })));
  for (const fam of ['ip', 'ip6'] as const) {
    const table = nftTable(w, fam);
    for (const s of ['comment "CNI portmap plugin"', 'chain hostports {', 'chain hostip_hostports {', 'chain hostports_all {', 'chain masquerading {', 'fib daddr type local jump hostports_all']) {
      assert.ok(table.includes(s), `${fam}: ${s}`);
    }
  }
  ok(run(w, 'DEL', 'a', a, conf(a, maps, { backend: 'nftables' })));
  assert.not.ok(/chain (dn|masq)-/.test(nftTable(w)));
  assert.not.ok(/elements/.test(nftTable(w)));
  assert.match(errorOf(run(w, 'ADD', 'a', a, conf(a, maps, { backend: 'nftables', conditionsV4: ['-d', '1.2.3.4'] }))).msg, /\[conditionsV4\]/);
  assert.match(errorOf(run(w, 'ADD', 'a', a, conf(a, maps, { backend: 'iptables', conditionsV4: ['iifname', 'x'] }))).msg, /nftables-specific options \[conditionsV4\]/);
});

testUnless(t, missing, 'nftables: per-network identity and conditions; the last ADD of a port wins and a stale DEL keeps it', async () => {
  const a = w.addContainer();
  const b = w.addContainer();
  const servers = [await startServer(a.ns, 'tcp', 80, 'A'), await startServer(b.ns, 'tcp', 80, 'B')];
  const [h1, h2] = w.hostAddrs;
  try {
    const nft = { backend: 'nftables' };
    // The same container on two networks; net2 only forwards traffic to h2.
    ok(run(w, 'ADD', 'a', a, conf(a, [{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }], nft)));
    ok(run(w, 'ADD', 'a', a, conf(a, [{ hostPort: 8082, containerPort: 80, protocol: 'tcp' }], { ...nft, name: 'net2', conditionsV4: ['ip', 'daddr', h2] })));
    assert.is(request(w.host, 'tcp', h1, 8081), `A ${h1}`, 'net1 has no condition');
    assert.match(request(w.host, 'tcp', h1, 8082), /ERROR/, 'net2 condition applies to net2');
    assert.match(request(w.host, 'tcp', h2, 8082), /^A /);
    ok(run(w, 'DEL', 'a', a, conf(a, [{ hostPort: 8082, containerPort: 80, protocol: 'tcp' }], { ...nft, name: 'net2' })));
    assert.is(request(w.host, 'tcp', h1, 8081), `A ${h1}`, 'a DEL on net2 leaves net1');
    // b takes port 8081; a's later DEL must not take it away from b.
    ok(run(w, 'ADD', 'b', b, conf(b, [{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }], nft)));
    assert.is(request(w.host, 'tcp', h1, 8081), `B ${h1}`);
    ok(run(w, 'DEL', 'a', a, conf(a, [{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }], nft)));
    assert.is(request(w.host, 'tcp', h1, 8081), `B ${h1}`);
    ok(run(w, 'CHECK', 'b', b, conf(b, [{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }], nft)));
    ok(run(w, 'DEL', 'b', b, conf(b, [{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }], nft)));
    assert.not.ok(/chain (dn|masq)-/.test(nftTable(w)));
  } finally {
    for (const s of servers) s.stop();
  }
});

const REF = '/usr/lib/cni/portmap';
testUnless(t, missing ?? (existsSync(REF) ? undefined : `${REF} missing (Debian package containernetworking-plugins)`), 'interop: Debian Go portmap and ours remove each other\'s mappings (iptables)', async () => {
  const a = w.addContainer();
  const server = await startServer(a.ns, 'tcp', 80, 'A');
  const [h1] = w.hostAddrs;
  const maps = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }, { hostPort: 8053, containerPort: 53, protocol: 'udp' }];
  const chain = dnatChainName({ network: 'pmnet', containerID: 'a' });
  const refRun = (command: string): Outcome =>
    execPluginIn(w.host, REF, { command, containerID: 'a', netns: a.ns.path, ifname: 'eth0', path: '/usr/lib/cni', stdin: conf(a, maps) });
  try {
    ok(refRun('ADD'));
    const refLayout = natRules(w);
    assert.is(request(w.host, 'tcp', h1, 8080), `A ${h1}`);
    ok(run(w, 'CHECK', 'a', a, conf(a, maps)));
    ok(run(w, 'DEL', 'a', a, conf(a, maps)));
    assert.not.ok(natRules(w).some((l) => l.includes(chain)), 'ours removed the Go mappings');
    assert.not.ok(natRules(w, 6).some((l) => l.includes(chain)));
    ok(run(w, 'ADD', 'a', a, conf(a, maps)));
    assert.equal(natRules(w), refLayout, 'the same layout, rule for rule');
    ok(refRun('DEL'));
    assert.not.ok(natRules(w).some((l) => l.includes(chain)), 'Go removed ours');
    assert.not.ok(natRules(w, 6).some((l) => l.includes(chain)));
  } finally {
    server.stop();
  }
});

t.run();
