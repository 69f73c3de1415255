// `make install` lays out a working bin dir anywhere: the executable, a link per plugin, and the
// native code beside it, which is refused when others could have replaced it.
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN_DIR, errorOf, execPlugin, ROOT } from './helpers/exec.ts';

const PLUGINS = readFileSync(join(BIN_DIR, '../plugins.txt'), 'utf8').split('\n').filter(Boolean);
const dest = mkdtempSync(join(tmpdir(), 'cnits-install-'));
const binDir = join(dest, 'opt/cni/bin');

test.after(() => rmSync(dest, { recursive: true, force: true }));

test('make install puts the executable, its native code and a link per plugin in the bin dir', () => {
  const r = spawnSync('make', ['-s', 'install', `DESTDIR=${dest}`], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.ok(lstatSync(join(binDir, 'cni-ts')).isFile());
  assert.is(lstatSync(join(binDir, '.cni-ts', 'native.node')).mode & 0o022, 0);
  for (const p of PLUGINS) {
    assert.is(readlinkSync(join(binDir, p)), 'cni-ts');
    assert.is(execPlugin(join(binDir, p), { command: 'VERSION' }).code, 0);
  }
});

// host-local takes a flock through the native addon on every ADD, so an ADD proves the
// installed executable finds and trusts its own native directory.
const addHostLocal = (dataDir: string) =>
  execPlugin(join(binDir, 'host-local'), {
    command: 'ADD',
    containerID: 'install-test',
    netns: '/var/run/netns/unused',
    ifname: 'eth0',
    path: binDir,
    stdin: { cniVersion: '1.0.0', name: 'install-net', ipam: { type: 'host-local', subnet: '10.251.0.0/24', dataDir } },
  });

test('the installed plugin loads its native code from beside the executable', () => {
  const o = addHostLocal(join(dest, 'data-ok'));
  assert.is(o.code, 0, o.stdout + o.stderr);
  assert.is(JSON.parse(o.stdout).ips[0].address, '10.251.0.2/24');
});

test('native code in a world-writable directory is refused with a CNI error, not loaded', () => {
  chmodSync(join(binDir, '.cni-ts'), 0o777);
  try {
    const e = errorOf(addHostLocal(join(dest, 'data-refused')));
    assert.is(e.code, 999);
    assert.match(e.msg, /refusing to load native addon/);
  } finally {
    chmodSync(join(binDir, '.cni-ts'), 0o755);
  }
});

test.run();
