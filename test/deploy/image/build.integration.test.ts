// `make image` (deploy/image/build) writes an OCI archive holding the executable, its native
// directory and the shared libraries they load, and nothing else; its entrypoint is the admin
// command. podman runs it with a throwaway store of its own, so the machine's images stay as
// they were.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless } from '../../helpers/skip.ts';
import { containerUlimits } from '../../../e2e/lib/host.ts';
import { BIN_DIR, ROOT } from '../../helpers/exec.ts';

const ARCHIVE = join(ROOT, 'dist/cni-ts-image.tar');
// What ldd names for a Bun executable and our addon on x86-64 Debian (glibc 2.36, multiarch
// paths), the build's only target.
const LIBRARIES = [
  'lib/x86_64-linux-gnu/libc.so.6',
  'lib/x86_64-linux-gnu/libdl.so.2',
  'lib/x86_64-linux-gnu/libm.so.6',
  'lib/x86_64-linux-gnu/libpthread.so.0',
  'lib64/ld-linux-x86-64.so.2',
];
const OURS: Readonly<Record<string, string>> = {
  'usr/local/bin/cni-ts': join(BIN_DIR, 'cni-ts'),
  'usr/local/bin/.cni-ts/native.node': join(BIN_DIR, '.cni-ts/native.node'),
};

const noPodman = spawnSync('podman', ['--version']).status === 0 ? undefined : 'podman is not installed (Debian package podman)';
const work = mkdtempSync(join(tmpdir(), 'cnits-image-'));
const store = ['--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--storage-driver', 'vfs', '--events-backend', 'none'];

function run(cmd: string, args: readonly string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, ...opts });
  assert.is(r.status, 0, `${cmd} ${args.join(' ')}: ${String(r.stderr)}`);
  return String(r.stdout);
}

const podman = (...args: string[]): string => run('podman', [...store, ...args]);
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const blob = (digest: string): string => join(work, 'oci/blobs', digest.replace(':', '/'));

test.after(() => {
  if (!noPodman) spawnSync('podman', [...store, 'rmi', '-a', '-f']);
  rmSync(work, { recursive: true, force: true });
});

testUnless(test, noPodman, 'make image: an oci-archive named as the Makefile says, one layer of exactly our files and their libraries', () => {
  run('make', ['-s', 'image'], { cwd: ROOT });
  const ref = run('make', ['-s', '--no-print-directory', 'image-ref'], { cwd: ROOT }).trim();
  mkdirSync(join(work, 'oci'));
  run('tar', ['-xf', ARCHIVE, '-C', join(work, 'oci')]);
  const index = JSON.parse(readFileSync(join(work, 'oci/index.json'), 'utf8'));
  assert.is(index.manifests.length, 1);
  assert.is(index.manifests[0].annotations['org.opencontainers.image.ref.name'], ref);
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
  const config = JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8'));
  assert.equal(config.config.Entrypoint, ['/usr/local/bin/cni-ts']);
  assert.is(config.config.Cmd, undefined);
  assert.is(manifest.layers.length, 1);

  const layer = blob(manifest.layers[0].digest);
  // "mode owner size date time name": every entry root's, no links, no device files.
  const entries = run('tar', ['-tvzf', layer]).trim().split('\n').map((l) => l.split(/\s+/));
  const files = entries.filter(([mode]) => mode!.startsWith('-')).map((e) => e[5]!);
  const dirs = entries.filter(([mode]) => mode!.startsWith('d')).map((e) => e[5]!.replace(/\/$/, ''));
  assert.equal(files.sort(), [...LIBRARIES, ...Object.keys(OURS)].sort());
  const parents = new Set(files.flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  assert.equal(dirs.sort(), [...parents].sort());
  assert.equal(entries.filter(([mode]) => !/^[-d]/.test(mode!)), []);
  assert.equal(entries.filter((e) => e[1] !== '0/0' || /^.....w|^........w/.test(e[0]!)), [], 'root-owned, writable by root only');

  // Byte for byte the files they came from.
  mkdirSync(join(work, 'rootfs'));
  run('tar', ['-xzf', layer, '-C', join(work, 'rootfs')]);
  for (const lib of LIBRARIES) assert.is(sha256(join(work, 'rootfs', lib)), sha256(realpathSync(`/${lib}`)), lib);
  for (const [path, source] of Object.entries(OURS)) assert.is(sha256(join(work, 'rootfs', path)), sha256(source), path);
});

testUnless(test, noPodman, 'the loaded image runs the admin command: --version, install --help', () => {
  const ref = run('make', ['-s', '--no-print-directory', 'image-ref'], { cwd: ROOT }).trim();
  podman('load', '-q', '-i', ARCHIVE);
  // This machine's bounding set lacks CAP_SYS_RESOURCE: limits above our own cannot be set.
  const { nofile, nproc } = containerUlimits();
  const runImage = (...args: string[]): string =>
    podman('run', '--rm', '--network', 'none', '--read-only', '--cgroup-manager', 'cgroupfs', '--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', `nproc=${nproc}:${nproc}`, ref, ...args);
  const version = runImage('--version');
  assert.is(version, run(join(BIN_DIR, 'cni-ts'), ['--version']));
  assert.is(version.split('\n')[0], `cni-ts ${ref.slice(ref.lastIndexOf(':') + 1)}`, 'the tag is the version the executable reports');
  assert.match(runImage('install', '--help'), /^Usage: cni-ts install \[options\]\n/);
});

test.run();
