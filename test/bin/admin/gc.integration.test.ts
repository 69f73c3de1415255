// `cni-ts gc` end to end against a fake CRI runtime (a grpc-js server on a unix socket answering
// ListPodSandbox) and real plugins: two pods joined through cnitool (bridge with ipMasq +
// host-local + portmap, spec 1.1.0) inside a private "host" namespace, so bridge, veths and
// firewall rules vanish with it. The runtime lists one; the other is gone, and the gc releases
// its address and rules once its cache entry is older than the grace, keeps the live one, and
// runs the plugins' GC (which frees a reservation that has no cache entry at all). Also: an
// unreachable runtime releases nothing; --host-root chroots, into / and into a bind-mounted copy.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LIST_POD_SANDBOX } from '../../../bin/admin/gc/cri-codec.ts';
import { containerIDFor } from '../../../bin/cnitool/runtime-conf.ts';
import { PROTO } from '../../../e2e/cri/client.ts';
import { BIN_DIR } from '../../helpers/exec.ts';
import { cleanup, deleteNetns, makeNetns, tempDir, type Netns } from '../../helpers/netns.ts';

const Response = protobuf.loadSync(PROTO).lookupType('runtime.v1.ListPodSandboxResponse');

/** A CRI runtime that knows only ListPodSandbox and answers with `ids()` (or fails when null). */
async function fakeRuntime(socket: string, ids: () => string[] | null): Promise<grpc.Server> {
  const server = new grpc.Server();
  const bytes = (b: Buffer): Buffer => b;
  server.addService(
    {
      ListPodSandbox: { path: LIST_POD_SANDBOX, requestStream: false, responseStream: false, requestSerialize: bytes, requestDeserialize: bytes, responseSerialize: bytes, responseDeserialize: bytes },
    },
    {
      ListPodSandbox: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => {
        const list = ids();
        if (list === null) return cb({ code: grpc.status.UNAVAILABLE, details: 'runtime is restarting' });
        cb(null, Buffer.from(Response.encode(Response.fromObject({ items: list.map((id) => ({ id, state: 0 })) })).finish()));
      },
    },
  );
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  return server;
}

interface Run {
  code: number | null;
  stderr: string;
}

/** Runs a command without blocking this process (the fake runtime answers from here). */
function run(argv: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const runIn = (host: Netns, argv: string[], wrap: string[] = []): Promise<Run> => run(['ip', 'netns', 'exec', host.name, ...wrap, ...argv]);

const firewall = (host: Netns): string =>
  ['iptables-save', 'ip6tables-save', 'nft list ruleset']
    .map((cmd) => spawnSync('ip', ['netns', 'exec', host.name, ...cmd.split(' ')], { encoding: 'utf8' }).stdout ?? '')
    .join('\n');

test('cni-ts gc: releases the gone pod (address, rules, cache entry) once older than the grace, keeps the live one', async () => {
  const dir = tempDir('gc');
  const octet = 1 + (process.pid % 250);
  const net = `cnits-gc-${process.pid}`;
  const subnet = `10.93.${octet}.0/24`;
  const host = makeNetns('gc-host');
  const pods = [makeNetns('gc-live'), makeNetns('gc-gone')];
  const [live, gone] = pods.map((p) => containerIDFor(p.path)) as [string, string];
  const cache = join(dir, 'cache');
  const ipam = join(dir, 'ipam');
  mkdirSync(join(dir, 'net.d'));
  writeFileSync(
    join(dir, 'net.d', '10-gc.conflist'),
    JSON.stringify({
      cniVersion: '1.1.0',
      name: net,
      plugins: [
        { type: 'bridge', bridge: `cgc${octet}`, isGateway: true, ipMasq: true, ipam: { type: 'host-local', dataDir: ipam, ranges: [[{ subnet }]] } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    }),
  );
  const socket = join(dir, 'cri.sock');
  let listed: string[] | null = [live];
  const server = await fakeRuntime(socket, () => listed);
  const gc = (extra: string[] = [], wrap: string[] = []): Promise<Run> =>
    runIn(host, [join(BIN_DIR, 'cni-ts'), 'gc', '--cri-endpoint', `unix://${socket}`, '--conf-dir', join(dir, 'net.d'), '--cache-dir', cache, '--bin-dir', BIN_DIR, ...extra], wrap);
  const reservations = (): string[] => readdirSync(join(ipam, net)).filter((f) => f.startsWith('10.')).sort();
  // The copy of / is mounted only in the gc's own private mount namespace, on a directory of its
  // own that is only ever removed with rmdir: never recursively, whatever happened.
  const copy = mkdtempSync(join(tmpdir(), 'cnits-gc-hostroot-'));
  const cached = (): string[] => (existsSync(join(cache, 'results')) ? readdirSync(join(cache, 'results')).sort() : []);
  try {
    for (const [i, p] of pods.entries()) {
      const caps = JSON.stringify({ portMappings: [{ hostPort: 38300 + i, containerPort: 80, protocol: 'tcp' }] });
      const r = spawnSync('ip', ['netns', 'exec', host.name, join(BIN_DIR, 'cnitool'), '--cache-dir', cache, 'add', net, p.path], {
        env: { PATH: process.env.PATH, NETCONFPATH: join(dir, 'net.d'), CNI_PATH: BIN_DIR, CAP_ARGS: caps },
        encoding: 'utf8',
      });
      assert.is(r.status, 0, r.stderr);
    }
    // A reservation no cache entry knows (a runtime that died mid-ADD): only the plugins' GC can
    // free it, once it is older than the grace (younger, it may be an ADD still running).
    const orphan = join(ipam, net, `10.93.${octet}.200`);
    writeFileSync(orphan, 'no-such-sandbox\r\neth0');
    utimesSync(orphan, new Date(Date.now() - 10 * 60_000), new Date(Date.now() - 10 * 60_000));
    const adding = join(ipam, net, `10.93.${octet}.201`);
    writeFileSync(adding, 'sandbox-being-added\r\neth0');
    const [liveIP, goneIP] = [`10.93.${octet}.2`, `10.93.${octet}.3`];
    assert.equal(reservations(), [liveIP, goneIP, `10.93.${octet}.200`, `10.93.${octet}.201`].sort());
    assert.ok(firewall(host).includes(gone), 'the gone pod has firewall rules to release');
    deleteNetns(pods[1]!); // its sandbox is gone, as containerd#12130 leaves it

    // Too young: the gone pod's entry was just written; only the orphan reservation goes (GC verb).
    // Through --host-root /, which must change nothing.
    let r = await gc(['--host-root', '/']);
    assert.is(r.code, 0, r.stderr);
    assert.equal(cached(), [`${net}-${gone}-eth0`, `${net}-${live}-eth0`].sort());
    assert.equal(reservations(), [liveIP, goneIP, `10.93.${octet}.201`].sort(), 'the fresh reservation of an ADD still running stays');
    rmSync(adding);

    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(cache, 'results', `${net}-${gone}-eth0`), old, old);

    // The runtime cannot answer: nothing is released, and the exit status says so.
    listed = null;
    r = await gc();
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot list pod sandboxes, nothing released: .*runtime is restarting/);
    r = await runIn(host, [join(BIN_DIR, 'cni-ts'), 'gc', '--cri-endpoint', `unix://${dir}/nothing.sock`, '--conf-dir', join(dir, 'net.d'), '--cache-dir', cache]);
    assert.is(r.code, 1, r.stderr);
    assert.equal(reservations(), [liveIP, goneIP]);
    listed = [live];

    // Old enough: released, through a bind-mounted copy of / as the host root (the DaemonSet's
    // /host), whose paths are the same as here.
    r = await gc(['--host-root', copy], ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `mount --rbind / '${copy}' && exec "$@"`, 'sh']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`network ${net}: sandbox ${gone} eth0: released \\(sandbox gone, cached 10m(\\d+s)? ago\\)`), r.stderr);
    assert.match(r.stderr, /round done: 1 released, 0 failed/);
    assert.equal(cached(), [`${net}-${live}-eth0`]);
    assert.equal(reservations(), [liveIP]);
    const rules = firewall(host);
    assert.not.ok(rules.includes(gone), `rules of the gone pod left:\n${rules}`);
    assert.ok(rules.includes(live), 'the live pod keeps its rules');
  } finally {
    listed = [];
    await runIn(host, [join(BIN_DIR, 'cni-ts'), 'gc', '--cri-endpoint', `unix://${socket}`, '--conf-dir', join(dir, 'net.d'), '--cache-dir', cache, '--bin-dir', BIN_DIR, '--grace', '0s']);
    server.forceShutdown();
    for (const p of [...pods, host]) deleteNetns(p);
    rmdirSync(copy);
    cleanup();
  }
});

test('cni-ts gc --host-root DIR: every path is resolved under DIR (socket, conf and cache dirs); bad options exit 2', async () => {
  const root = tempDir('gc-root');
  mkdirSync(join(root, 'net.d'));
  const server = await fakeRuntime(join(root, 'cri.sock'), () => []);
  try {
    const args = ['gc', '--cri-endpoint', 'unix:///cri.sock', '--conf-dir', '/net.d', '--cache-dir', '/cache'];
    const gc = join(BIN_DIR, 'cni-ts');
    const inside = await run([gc, ...args, '--host-root', root]);
    assert.is(inside.code, 0, inside.stderr);
    assert.match(inside.stderr, new RegExp(`host root ${root}, conf dir /net.d`));
    const outside = await run([gc, ...args]);
    assert.is(outside.code, 1, 'without the chroot there is no /cri.sock');
    const missing = await run([gc, ...args, '--host-root', join(root, 'nope')]);
    assert.is(missing.code, 2);
    assert.match(missing.stderr, /ENOENT/);
    const tcp = await run([gc, 'gc', '--cri-endpoint', 'tcp://127.0.0.1:1', '--host-root', root]);
    assert.is(tcp.code, 2, 'a bad endpoint is refused before any round');
    assert.match(tcp.stderr, /--cri-endpoint: want unix:\/\/\//);
  } finally {
    server.forceShutdown();
    cleanup();
  }
});

test('cni-ts gc --interval: rounds until SIGTERM, which ends it cleanly', async () => {
  const root = tempDir('gc-int');
  let calls = 0;
  const server = await fakeRuntime(join(root, 'cri.sock'), () => (calls++, []));
  try {
    const child = spawn(join(BIN_DIR, 'cni-ts'), ['gc', '--cri-endpoint', `unix://${root}/cri.sock`, '--conf-dir', root, '--cache-dir', root, '--interval', '100ms'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (calls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(calls >= 3, `only ${calls} rounds`);
    child.kill('SIGTERM');
    assert.is(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM: stopping after this round/);
  } finally {
    server.forceShutdown();
    cleanup();
  }
});

test.run();
