// `cni-ts doctor` on real state: pods joined through cnitool (bridge with ipMasq + host-local +
// portmap, spec 1.1.0) in a private host netns, then two leaks: a pod whose cache entry was
// removed (its reservation, masquerade and DNAT rules and veth stay) and a pod whose netns is gone
// (its cache entry stays). doctor reports both and changes nothing; --fix repairs them through the
// plugins' DEL and GC and leaves the healthy pod alone; a stray veth it cannot repair exits 1,
// and so does a live pod whose reservation was lost.
// Once on the default firewall backend, once on nftables.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { containerIDFor } from '../../../bin/cnitool/runtime-conf.ts';
import { admin, cnitool, firewallText, makeCniHost, runIn, writeBridgeNetwork } from '../../helpers/cni-host.ts';
import { cleanup, deleteNetns, makeNetns } from '../../helpers/netns.ts';

for (const [i, backend] of [undefined, 'nftables'].entries()) test(`cni-ts doctor (${backend ?? 'default'} backend): finds a lost cache entry and a gone netns, --fix repairs both by DEL and GC, a stray veth is left with exit 1`, () => {
  const h = makeCniHost('doctor');
  const octet = 1 + ((process.pid + i) % 250);
  const net = `cnits-dr-${process.pid}-${i}`;
  const bridge = `cdr${octet}`;
  try {
    writeBridgeNetwork(h, '10-dr.conflist', { name: net, bridge, subnets: [`10.96.${octet}.0/24`, `fd96:${octet}::/64`], ...(backend && { backend }) });
    const pods = [makeNetns('dr-ok'), makeNetns('dr-lost'), makeNetns('dr-gone')];
    const [ok, lost, gone] = pods.map((p) => containerIDFor(p.path)) as [string, string, string];
    for (const [i, p] of pods.entries()) cnitool(h, 'add', net, p, [38600 + i]);
    const clean = admin(h, 'doctor');
    assert.is(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, `network ${net} (bridge ${bridge}): no problems`);

    const results = join(h.cacheDir, 'results');
    rmSync(join(results, `${net}-${lost}-eth0`));
    deleteNetns(pods[2]!);
    const reservations = (): string[] => readdirSync(join(h.dataDir, net)).filter((f) => /^[\d.]+$|:/.test(f)).sort();
    const veths = (): string[] => JSON.parse(runIn(h, ['ip', '-j', 'link', 'show', 'master', bridge]).stdout).map((l: { ifname: string }) => l.ifname);
    assert.is(reservations().length, 6, 'every pod holds an IPv4 and an IPv6 address');

    const report = admin(h, 'doctor');
    assert.is(report.code, 1, report.stdout + report.stderr);
    assert.match(report.stdout, `cache entry ${gone} eth0: its netns ${pods[2]!.path} is gone`);
    assert.match(report.stdout, new RegExp(`reservation 10\\.96\\.${octet}\\.\\d+, fd96:${octet}::\\d+ of ${lost} eth0: no cache entry, veth \\S+ to eth0 in ${pods[1]!.path}`));
    assert.match(report.stdout, '2 problem(s) found, 2 of them for --fix', report.stdout);
    assert.is(reservations().length, 6, 'without --fix nothing changes');

    const fixed = admin(h, 'doctor', ['--fix']);
    assert.is(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, `changed  DEL of ${gone} eth0 from its cache entry`);
    assert.match(fixed.stdout, `changed  DEL of ${lost} eth0 in ${pods[1]!.path}`);
    // The bare DEL has no port mappings to give portmap: the GC removes the DNAT chains it left.
    assert.match(fixed.stdout, new RegExp(`then +.*(port mapping|cni_hostport).* of ${lost}: no reservation, no cache entry`));
    assert.match(fixed.stdout, "changed  GC of the network's plugins");
    assert.match(fixed.stdout, /problem\(s\) found, \d+ fixed, 0 left/);
    assert.equal(readdirSync(results), [`${net}-${ok}-eth0`]);
    assert.is(reservations().length, 2, 'only the healthy pod keeps its addresses');
    const rules = firewallText(h);
    assert.not.ok(rules.includes(lost) || rules.includes(gone), `rules left:\n${rules}`);
    assert.ok(rules.includes(ok), 'the healthy pod keeps its rules');
    assert.is(veths().length, 1, 'the lost pod\'s veth went with its DEL');
    assert.ok(existsSync(pods[1]!.path));

    runIn(h, ['ip', 'link', 'add', 'cdrstray0', 'type', 'veth', 'peer', 'name', 'cdrstray1']);
    runIn(h, ['ip', 'link', 'set', 'cdrstray0', 'master', bridge]);
    const stray = admin(h, 'doctor', ['--fix']);
    assert.is(stray.code, 1, stray.stdout + stray.stderr);
    assert.match(stray.stdout, 'veth cdrstray0 to cdrstray1 in this netns or an unnamed one: no cache entry or reservation names it');
    assert.match(stray.stdout, '`ip link del cdrstray0` (not done by --fix)');
    assert.match(stray.stdout, '1 problem(s) found, 0 fixed, 1 left');

    // The healthy pod's IPv4 reservation lost: its address could be handed out again.
    runIn(h, ['ip', 'link', 'del', 'cdrstray0']);
    const v4 = reservations().find((f) => !f.includes(':'))!;
    rmSync(join(h.dataDir, net, v4));
    const unreserved = admin(h, 'doctor', ['--fix']);
    assert.is(unreserved.code, 1, unreserved.stdout + unreserved.stderr);
    assert.match(unreserved.stdout, `cache entry ${ok} eth0: its address ${v4} is not reserved in host-local`);
    assert.match(unreserved.stdout, 're-create it (its DEL, then an ADD) (not done by --fix)');
    cnitool(h, 'del', net, pods[0]!);
  } finally {
    cleanup();
  }
});

test.run();
