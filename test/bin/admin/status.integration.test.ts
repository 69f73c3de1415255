// `cni-ts status` on real state: pods joined through cnitool (bridge + host-local + portmap) in a
// private host netns, on a 1.1.0 network (STATUS run) and a 1.0.0 one (n/a).
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { containerIDFor } from '../../../bin/cnitool/runtime-conf.ts';
import { admin, cnitool, makeCniHost, runIn, writeBridgeNetwork } from '../../helpers/cni-host.ts';
import { BIN_DIR } from '../../helpers/exec.ts';
import { cleanup, makeNetns } from '../../helpers/netns.ts';

/** Names and mtimes of every file under `dir`: what a read-only command must leave alone. */
const snapshot = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => `${join(e.parentPath, e.name)} ${lstatSync(join(e.parentPath, e.name)).mtimeMs}`).sort();

test('cni-ts status: STATUS per plugin (n/a below 1.1.0), pool use per range, cached attachments with addresses and host ports, firewall backend', () => {
  const h = makeCniHost('status');
  const octet = 1 + (process.pid % 250);
  const [net, old] = [`cnits-st-${process.pid}`, `cnits-st-old-${process.pid}`];
  try {
    writeBridgeNetwork(h, '10-a.conflist', { name: net, bridge: `cst${octet}`, subnets: [`10.94.${octet}.0/24`, `fd94:${octet}::/64`] });
    writeBridgeNetwork(h, '20-old.conflist', { name: old, bridge: `cso${octet}`, subnets: [`10.95.${octet}.0/28`], cniVersion: '1.0.0', portmap: false });
    const pods = [makeNetns('st-a'), makeNetns('st-b'), makeNetns('st-c')];
    cnitool(h, 'add', net, pods[0]!, [38500]);
    cnitool(h, 'add', net, pods[1]!);
    cnitool(h, 'add', old, pods[2]!);
    const before = snapshot(h.dir);

    const r = admin(h, 'status', ['-o', 'json']);
    assert.is(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const [a, b] = report.networks;
    assert.equal(a.plugins, [
      { type: 'bridge', status: 'ok' },
      { type: 'portmap', status: 'ok' },
    ]);
    assert.equal(b.plugins, [{ type: 'bridge', status: 'n/a' }]);
    assert.equal(a.pool.map((p: { subnet: string; allocated: number; capacity: unknown }) => [p.subnet, p.allocated, p.capacity]), [
      [`10.94.${octet}.0/24`, 2, 253],
      [`fd94:${octet}::/64`, 2, '18446744073709551614'],
    ]);
    assert.equal(b.pool.map((p: { allocated: number; capacity: number }) => [p.allocated, p.capacity]), [[1, 13]]);
    const first = a.attachments.find((x: { containerID: string }) => x.containerID === containerIDFor(pods[0]!.path));
    assert.equal(first.addresses, [`10.94.${octet}.2/24`, `fd94:${octet}::2/64`]);
    assert.equal(first.hostPorts, ['38500/tcp -> 80']);
    assert.is(a.bridge, `cst${octet}`);
    assert.is(a.firewall.backend, report.firewall.default);
    assert.ok(a.firewall.objects.iptables + a.firewall.objects.nftables >= 4, JSON.stringify(a.firewall));

    const human = admin(h, 'status');
    assert.is(human.code, 0, human.stderr);
    assert.not.match(human.stdout, '\x1b[', 'no colour when stdout is no terminal');
    assert.match(human.stdout, `network ${net}  cniVersion 1.1.0`);
    assert.match(human.stdout, /STATUS {4}bridge ok, portmap ok/);
    assert.match(human.stdout, new RegExp(`${containerIDFor(pods[0]!.path)}  eth0 +10\\.94\\.${octet}\\.2/24, fd94:${octet}::2/64  38500/tcp -> 80`));
    // On a terminal (script(1) gives it one) in colour, unless NO_COLOR is set.
    const tty = (env: NodeJS.ProcessEnv) => runIn(h, ['script', '-qec', [join(BIN_DIR, 'cni-ts'), 'status', '--conf-dir', h.confDir, '--cache-dir', h.cacheDir, '--bin-dir', BIN_DIR].join(' '), '/dev/null'], env).stdout;
    assert.match(tty({}), `\x1b[1mnetwork ${net}\x1b[0m`);
    assert.not.match(tty({ NO_COLOR: '1' }), '\x1b[');
    assert.equal(snapshot(h.dir), before, 'status changed files');
    for (const [i, p] of pods.entries()) cnitool(h, 'del', i < 2 ? net : old, p);
  } finally {
    cleanup();
  }
});

test.run();
