// `--image`: the suite put onto the "node" the way the DaemonSet's init container does it. The
// image that `make image` built runs under podman (a throwaway store in the temp dir) with the
// temp bin and conf dirs bind-mounted where the DaemonSet mounts the host's, and its
// `cni-ts install` writes the plugins and the conflist that containerd's CRI then runs pods on.
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CRI_NET } from './lib/context.ts';
import { containerUlimits } from './lib/host.ts';
import { must } from './lib/proc.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ARCHIVE = join(ROOT, 'dist/cni-ts-image.tar');

export interface Installed {
  readonly binDir: string;
  /** The conflist install wrote. */
  readonly conflist: string;
  readonly label: string;
}

export async function installFromImage(tmp: string): Promise<Installed> {
  await must(['make', '--no-print-directory', '-C', ROOT, 'image'], { timeout: 600_000 });
  const ref = (await must(['make', '-s', '--no-print-directory', '-C', ROOT, 'image-ref'], { timeout: 60_000 })).trim();
  const work = join(tmp, 'image');
  const binDir = join(tmp, 'node/opt/cni/bin');
  const confDir = join(tmp, 'node/etc/cni/net.d');
  for (const d of [binDir, confDir]) mkdirSync(d, { recursive: true });
  const podman = (args: readonly string[]): Promise<string> =>
    must(['podman', '--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--storage-driver', 'vfs', '--events-backend', 'none', ...args], { timeout: 300_000 });
  await podman(['load', '-q', '-i', ARCHIVE]);
  // This machine's bounding set lacks CAP_SYS_RESOURCE: no limit above our own can be set.
  const { nofile, nproc } = containerUlimits();
  const out = await podman([
    'run', '--rm', '--network', 'none', '--read-only', '--cgroup-manager', 'cgroupfs',
    '--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', `nproc=${nproc}:${nproc}`,
    '-v', `${binDir}:/host/opt/cni/bin`, '-v', `${confDir}:/host/etc/cni/net.d`,
    ref, 'install', '--bin-dir', '/host/opt/cni/bin', '--conf-dir', '/host/etc/cni/net.d',
    '--pod-cidr', CRI_NET.subnet, '--network', CRI_NET.name, '--bridge', CRI_NET.bridge,
    '--data-dir', join(tmp, 'containerd/ipam'),
    // containerd 1.6's libcni (1.1) cannot read a 1.1.0 result.
    '--cni-version', '1.0.0',
  ]);
  for (const line of out.trim().split('\n')) console.log(`e2e: image install: ${line}`);
  await podman(['rmi', '-a', '-f']);
  const confs = readdirSync(confDir);
  if (confs.length !== 1) throw new Error(`install wrote ${confs.length} files into the conf dir, not 1: ${confs.join(', ')}`);
  return { binDir, conflist: join(confDir, confs[0]!), label: `ours (the image ${ref}, its install into ${join(tmp, 'node')})` };
}
