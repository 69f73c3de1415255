// `cni-ts install` / `uninstall` run from the built executable into temp dirs, as a node's
// DaemonSet runs them: the files and modes, links that answer as their plugin, a conflist that
// our plugins run a real ADD and DEL with, a second run that changes nothing, other projects'
// files refused (then replaced with --force) and left by uninstall, and a runtime exec'ing a
// plugin while install replaces it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN_DIR, execPlugin } from '../../helpers/exec.ts';
import { cleanup, jsonIn, makeNetns, tempDir } from '../../helpers/netns.ts';

const EXE = join(BIN_DIR, 'cni-ts');
// The links install makes: every plugin this build answers to (dist/plugins.txt).
const LINKS = readFileSync(join(BIN_DIR, '../plugins.txt'), 'utf8').split('\n').filter(Boolean);

test.after(cleanup);

function admin(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(EXE, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Dirs {
  readonly root: string;
  readonly bin: string;
  readonly conf: string;
}

function dirs(tag: string): Dirs {
  const root = tempDir(`inst-${tag}`);
  return { root, bin: join(root, 'opt/cni/bin'), conf: join(root, 'etc/cni/net.d') };
}

const install = (d: Dirs, ...more: string[]) => admin('install', '--bin-dir', d.bin, '--conf-dir', d.conf, ...more);
const CIDRS = ['--pod-cidr', '10.213.0.0/24', '--pod-cidr', 'fd00:213::/64'];

/** Inode, mtime and mode of every entry under `dir`, to prove a run changed nothing. */
function identities(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of ['.', ...(readdirSync(dir, { recursive: true }) as string[])]) {
    const st = lstatSync(join(dir, e));
    out[e] = `${st.ino} ${st.mtimeMs} ${st.mode.toString(8)}`;
  }
  return out;
}

test('install writes the executable, its native code, a link per plugin and the conflist', () => {
  const d = dirs('fresh');
  mkdirSync(d.bin, { recursive: true });
  writeFileSync(join(d.bin, 'macvlan'), '#!/bin/sh\n', { mode: 0o755 });
  const before = identities(d.bin).macvlan;
  const r = install(d, ...CIDRS, '--mtu', '1400');
  assert.is(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines, [
    `written   ${d.bin}/.cni-ts/native.node`,
    `written   ${d.bin}/cni-ts`,
    ...LINKS.map((l) => `written   ${d.bin}/${l}`),
    `written   ${d.conf}/00-cni-ts.conflist`,
  ]);
  const exe = statSync(join(d.bin, 'cni-ts'));
  assert.is(exe.mode & 0o7777, 0o755);
  assert.is(exe.size, statSync(EXE).size);
  assert.is(statSync(join(d.bin, '.cni-ts')).mode & 0o7777, 0o755);
  assert.is(statSync(join(d.bin, '.cni-ts/native.node')).mode & 0o7777, 0o644);
  for (const l of LINKS) assert.is(readlinkSync(join(d.bin, l)), 'cni-ts');
  for (const l of LINKS) {
    const v = execPlugin(join(d.bin, l), { command: 'VERSION' });
    assert.is(v.code, 0, v.stderr);
    assert.match(v.stdout, /"supportedVersions"/);
  }
  assert.is(identities(d.bin).macvlan, before, 'another file in the bin dir is left alone');
  const conf = join(d.conf, '00-cni-ts.conflist');
  assert.is(statSync(conf).mode & 0o7777, 0o644);
  const c = JSON.parse(readFileSync(conf, 'utf8'));
  assert.is(c.cniVersion, '1.1.0');
  assert.is(c.plugins[0].mtu, 1400);
  assert.equal(c.plugins[0].ipam.ranges, [[{ subnet: '10.213.0.0/24' }], [{ subnet: 'fd00:213::/64' }]]);
  assert.equal(readdirSync(d.bin).filter((n) => n.includes('cni-ts-install')), [], 'no temp file left');
});

test('a second identical install changes nothing: every line unchanged, same inodes and mtimes', () => {
  const d = dirs('again');
  assert.is(install(d, ...CIDRS).code, 0);
  const bin = identities(d.bin);
  const conf = identities(d.conf);
  const r = install(d, ...CIDRS);
  assert.is(r.code, 0, r.err);
  assert.ok(r.out.trim().split('\n').every((l) => l.startsWith('unchanged ')), r.out);
  assert.equal(identities(d.bin), bin);
  assert.equal(identities(d.conf), conf);
  const other = install(d, '--pod-cidr', '10.214.0.0/24');
  assert.match(other.out, `replaced  ${d.conf}/00-cni-ts.conflist`);
  assert.equal(identities(d.bin), bin, 'a new network leaves the bin dir as it was');
});

test("another project's plugins are refused, naming them, with nothing written; --force replaces them", () => {
  const d = dirs('foreign');
  mkdirSync(d.bin, { recursive: true });
  writeFileSync(join(d.bin, 'bridge'), '#!/bin/sh\necho go-bridge\n', { mode: 0o755 });
  symlinkSync('/usr/lib/cni/loopback', join(d.bin, 'loopback'));
  const r = install(d, ...CIDRS);
  assert.is(r.code, 1);
  assert.match(r.err, `${d.bin}/bridge, ${d.bin}/loopback (--force replaces them)`);
  assert.equal(readdirSync(d.bin).sort(), ['bridge', 'loopback']);
  assert.not.ok(existsSync(d.conf));
  const f = install(d, ...CIDRS, '--force');
  assert.is(f.code, 0, f.err);
  assert.match(f.out, `replaced  ${d.bin}/bridge (was another project's file: --force)`);
  assert.is(readlinkSync(join(d.bin, 'bridge')), 'cni-ts');
  assert.is(readlinkSync(join(d.bin, 'loopback')), 'cni-ts');
});

test("uninstall removes what install wrote and leaves other projects' files, even one put over ours", () => {
  const d = dirs('uninstall');
  assert.is(install(d, ...CIDRS).code, 0);
  writeFileSync(join(d.bin, 'macvlan'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(d.conf, '10-other.conflist'), '{"cniVersion":"1.0.0","name":"other","plugins":[]}');
  rmSync(join(d.bin, 'portmap'));
  writeFileSync(join(d.bin, 'portmap'), '#!/bin/sh\necho go-portmap\n', { mode: 0o755 });
  const r = admin('uninstall', '--bin-dir', d.bin, '--conf-dir', d.conf);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, `left      ${d.bin}/portmap (not ours)`);
  assert.match(r.out, `removed   ${d.bin}/cni-ts`);
  assert.equal(readdirSync(d.bin).sort(), ['macvlan', 'portmap']);
  assert.equal(readdirSync(d.conf), ['10-other.conflist']);
  const again = admin('uninstall', '--bin-dir', d.bin, '--conf-dir', d.conf);
  assert.is(again.code, 0, again.err);
  assert.equal(readdirSync(d.bin).sort(), ['macvlan', 'portmap']);
});

test('bad command lines (no pod CIDR, a bad CIDR, MTU, bridge or network name): exit 2 naming it, nothing written', () => {
  const d = dirs('bad');
  const cases: [string[], RegExp][] = [
    [[], /no pod CIDR: give --pod-cidr CIDR .* or --node-name NAME/],
    [['--pod-cidr', '10.213.0.0/24', '--pod-cidr', '10.213.5.0/33'], /pod CIDR "10.213.5.0\/33" is not an IPv4 or IPv6 CIDR/],
    [['--pod-cidr', '10.213.0.7/24'], /pod CIDR "10.213.0.7\/24" has host bits set/],
    [['--pod-cidr', '10.213.0.0/24', '--mtu', 'big'], /--mtu "big" is not an integer/],
    [['--pod-cidr', '10.213.0.0/24', '--node-name', 'n1'], /either --pod-cidr or --node-name/],
    [['--pod-cidr', '10.213.0.0/24', '--bridge', 'a-bridge-name-too-long'], /--bridge "a-bridge-name-too-long": interface name is too long/],
    [['--pod-cidr', '10.213.0.0/24', '--network', 'my net'], /--network "my net" is not a valid network name/],
  ];
  for (const [args, msg] of cases) {
    const r = install(d, ...args);
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.err, msg);
  }
  assert.equal(readdirSync(d.root), []);
});

test('the conflist runs a real ADD and DEL through cnitool and the installed plugins', () => {
  const d = dirs('cnitool');
  const bridge = `cnitsi${process.pid % 100000}`;
  assert.is(install(d, '--pod-cidr', '10.213.7.0/24', '--bridge', bridge, '--data-dir', join(d.root, 'ipam')).code, 0);
  const host = makeNetns('insthost');
  const pod = makeNetns('instpod');
  const env = { PATH: process.env.PATH, NETCONFPATH: d.conf, CNI_PATH: d.bin, CNI_CACHE_DIR: join(d.root, 'cache') };
  const cnitool = (verb: string) => spawnSync('ip', ['netns', 'exec', host.name, join(BIN_DIR, 'cnitool'), verb, 'cni-ts', pod.path], { env, encoding: 'utf8' });
  const add = cnitool('add');
  assert.is(add.status, 0, add.stdout + add.stderr);
  assert.is(JSON.parse(add.stdout).ips[0].address, '10.213.7.2/24');
  const addrs = jsonIn(pod, 'ip', '-j', '-4', 'addr', 'show', 'eth0');
  assert.is(addrs[0].addr_info[0].local, '10.213.7.2');
  const gw = jsonIn(host, 'ip', '-j', '-4', 'addr', 'show', bridge);
  assert.is(gw[0].addr_info[0].local, '10.213.7.1');
  const del = cnitool('del');
  assert.is(del.status, 0, del.stdout + del.stderr);
  assert.equal(
    jsonIn(pod, 'ip', '-j', 'link').map((l: { ifname: string }) => l.ifname),
    ['lo'],
  );
});

test('a runtime exec-ing bin/bridge VERSION while install replaces the files never fails', async () => {
  const d = dirs('race');
  assert.is(install(d, ...CIDRS).code, 0);
  const stop = join(d.root, 'stop');
  // One character per exec: "." answered, "F" failed.
  const loop = spawn('bash', ['-c', 'while [[ ! -e $1 ]]; do if CNI_COMMAND=VERSION "$2" </dev/null >/dev/null 2>&1; then printf .; else printf F; fi; done', 'loop', stop, join(d.bin, 'bridge')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let marks = '';
  loop.stdout.on('data', (b: Buffer) => (marks += b));
  const finished = new Promise((done) => loop.on('exit', done));
  // At least 4 replacements, and on until 20 execs overlapped them (the page cache is dropped
  // after each copy, so an exec can take long on a busy machine).
  for (let round = 0; round < 4 || (marks.length < 20 && round < 40); round++) {
    // A mode and a link spelt differently make install replace the executable and the link.
    // (The link is swapped by a rename here too, so that the loop only ever meets install's work.)
    chmodSync(join(d.bin, 'cni-ts'), 0o750);
    symlinkSync('./cni-ts', join(d.root, 'link'));
    renameSync(join(d.root, 'link'), join(d.bin, 'bridge'));
    const r = install(d, ...CIDRS);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, `replaced  ${d.bin}/cni-ts`);
    assert.match(r.out, `replaced  ${d.bin}/bridge`);
    await new Promise((r) => setImmediate(r));
  }
  writeFileSync(stop, '');
  await finished;
  assert.ok(marks.length >= 20, `only ${marks.length} runs`);
  assert.is(marks.replaceAll('.', ''), '', `failed runs among ${marks.length}`);
});

test.run();
