// cnitool end to end against real plugins (Debian's reference ones, and ours when built): a
// host-local + portmap chain (no port mappings, so no firewall change), the result cache, CHECK,
// DEL in reverse order, GC of stale attachments, STATUS, errors, help. Container namespaces are
// created and deleted here; host-local stores in a temp dir.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCnitool } from '../../../bin/cnitool/cli.ts';
import { containerIDFor } from '../../../bin/cnitool/runtime-conf.ts';
import { BIN_DIR, REFERENCE_DIR } from '../../helpers/exec.ts';

const DIRS = [REFERENCE_DIR, BIN_DIR].filter((d) => existsSync(join(d, 'host-local')) && existsSync(join(d, 'portmap')));

async function cnitool(argv: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCnitool(argv, { env: { PATH: process.env.PATH, ...env }, stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

function scratch(cniPath: string, version: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cnitool-int-'));
  const ns = [`cnitool-t-${process.pid}-a`, `cnitool-t-${process.pid}-b`];
  for (const n of ns) execFileSync('ip', ['netns', 'add', n]);
  mkdirSync(join(dir, 'net.d'));
  writeFileSync(
    join(dir, 'net.d', '10-chain.conflist'),
    JSON.stringify({
      cniVersion: version,
      name: 'chain',
      plugins: [
        { type: 'host-local', ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet: '10.77.0.0/24' }]] } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    }),
  );
  const env = { NETCONFPATH: join(dir, 'net.d'), CNI_PATH: cniPath, CNI_CACHE_DIR: join(dir, 'cache') };
  const ipamFiles = () => (existsSync(join(dir, 'ipam', 'chain')) ? readdirSync(join(dir, 'ipam', 'chain')).filter((f) => f.startsWith('10.')) : []);
  const cacheFiles = () => (existsSync(join(dir, 'cache', 'results')) ? readdirSync(join(dir, 'cache', 'results')) : []);
  const done = () => {
    for (const n of ns) execFileSync('ip', ['netns', 'delete', n]);
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, env, paths: ns.map((n) => `/var/run/netns/${n}`), ipamFiles, cacheFiles, done };
}

for (const cniPath of DIRS) {
  test(`cnitool add/check/del through a two-plugin chain with ${cniPath}`, async () => {
    const s = scratch(cniPath, '1.0.0');
    try {
      const add = await cnitool(['add', 'chain', s.paths[0]!], s.env);
      assert.is(add.code, 0, add.err);
      const result = JSON.parse(add.out) as { cniVersion: string; ips: { address: string }[] };
      assert.is(result.ips[0]!.address, '10.77.0.2/24');
      assert.not.ok(add.out.endsWith('\n'), 'printed like Go: no trailing newline');
      const id = containerIDFor(s.paths[0]!);
      assert.equal(s.cacheFiles(), [`chain-${id}-eth0`]);
      const cached = JSON.parse(readFileSync(join(s.dir, 'cache', 'results', `chain-${id}-eth0`), 'utf8')) as Record<string, unknown>;
      assert.is(cached.kind, 'cniCacheV1');
      assert.equal(Object.keys(cached), ['kind', 'containerId', 'config', 'ifName', 'networkName', 'netns', 'result']);
      assert.is(Buffer.from(String(cached.config), 'base64').toString(), readFileSync(join(s.dir, 'net.d', '10-chain.conflist'), 'utf8'));
      assert.equal((cached.result as { ips: unknown }).ips, result.ips);
      const check = await cnitool(['-o', 'human', 'check', 'chain', s.paths[0]!], s.env);
      assert.is(check.code, 0, check.err);
      assert.match(check.out, /^ok: /);
      const del = await cnitool(['del', 'chain', s.paths[0]!], s.env);
      assert.is(del.code, 0, del.err);
      assert.equal([s.ipamFiles(), s.cacheFiles()], [[], []]);
    } finally {
      s.done();
    }
  });

  test(`cnitool gc keeps the valid attachments and deletes the others (${cniPath})`, async () => {
    const s = scratch(cniPath, '1.0.0');
    try {
      for (const p of s.paths) assert.is((await cnitool(['add', 'chain', p], s.env)).code, 0);
      assert.is(s.ipamFiles().length, 2);
      const gc = await cnitool(['gc', 'chain', '--valid-netns', s.paths[1]!], s.env);
      assert.is(gc.code, 0, gc.err);
      assert.equal(s.cacheFiles(), [`chain-${containerIDFor(s.paths[1]!)}-eth0`]);
      assert.equal(s.ipamFiles(), ['10.77.0.3']);
      const all = await cnitool(['gc', 'chain'], s.env);
      assert.is(all.code, 0, all.err);
      assert.equal([s.ipamFiles(), s.cacheFiles()], [[], []]);
    } finally {
      s.done();
    }
  });
}

test('cnitool errors read like the reference: missing network, missing plugin, bad CNI_ARGS', async () => {
  const s = scratch('/nonexistent', '1.0.0');
  try {
    const missing = await cnitool(['add', 'nope', s.paths[0]!], s.env);
    assert.equal([missing.code, missing.err], [1, `no net configuration with name "nope" in ${s.env.NETCONFPATH}\n`]);
    const noPlugin = await cnitool(['add', 'chain', s.paths[0]!], s.env);
    assert.equal([noPlugin.code, noPlugin.err], [1, 'plugin type="host-local" failed (add): failed to find plugin "host-local" in path [/nonexistent]\n']);
    const badArgs = await cnitool(['add', 'chain', s.paths[0]!], { ...s.env, CNI_ARGS: 'A' });
    assert.equal([badArgs.code, badArgs.err], [1, 'invalid CNI_ARGS pair "A"\n']);
    const status = await cnitool(['-o', 'human', 'status', 'chain'], s.env);
    assert.equal([status.code, status.out], [0, 'network "chain" is ready\n'], 'STATUS below 1.1.0 is a no-op, as in libcni');
    const check03 = await cnitool(['check', 'chain', s.paths[0]!], { ...s.env, NETCONFPATH: join(s.dir, 'old') });
    assert.is(check03.code, 1);
  } finally {
    s.done();
  }
});

test('every verb has --help, and a usage error exits 1', async () => {
  for (const verb of ['add', 'check', 'del', 'gc', 'status', 'netns']) {
    const h = await cnitool([verb, '--help'], {});
    assert.is(h.code, 0, verb);
    assert.match(h.out, new RegExp(`^Usage: cnitool ${verb}`));
  }
  const bad = await cnitool(['add', 'only-one-arg'], {});
  assert.is(bad.code, 1);
  assert.match(bad.err, /missing required argument 'netns'/);
});

test('cnitool netns create and delete', async () => {
  const name = `cnitool-t-${process.pid}-ns`;
  const c = await cnitool(['netns', 'create', name], {});
  assert.equal([c.code, c.out], [0, `/var/run/netns/${name}\n`]);
  assert.ok(existsSync(`/var/run/netns/${name}`));
  assert.is((await cnitool(['netns', 'delete', name], {})).code, 0);
  assert.not.ok(existsSync(`/var/run/netns/${name}`));
});

test.run();
