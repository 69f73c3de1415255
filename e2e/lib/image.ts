// Images made here, since no registry is reachable: a root file system of busybox-static (for
// `podman import`), and the same file system as an OCI image archive (for `ctr images import`).
import { copyFileSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { must } from './proc.ts';

export const BUSYBOX = '/bin/busybox';
// (busybox 1.35's static wget crashes with -T: bound it with the timeout applet instead)
const APPLETS = ['sh', 'httpd', 'wget', 'timeout', 'sleep', 'cat', 'ls', 'ip', 'hostname', 'true'];

/** True if the ELF executable `file` has no program interpreter (PT_INTERP), i.e. is static. */
export function isStaticElf(file: string): boolean {
  const b = readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) throw new Error(`${file} is not a 64-bit ELF file`);
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return true;
}

/** A minimal root file system: /bin/busybox and its applets, /www/index.html holding `page`. */
export function buildRootfs(dir: string, page: string): void {
  if (!isStaticElf(BUSYBOX)) throw new Error(`${BUSYBOX} is dynamically linked: install Debian's busybox-static, which the images are made of`);
  for (const d of ['bin', 'www', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root']) mkdirSync(join(dir, d), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  copyFileSync(BUSYBOX, join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  for (const a of APPLETS) symlinkSync('busybox', join(dir, 'bin', a));
  writeFileSync(join(dir, 'www/index.html'), `${page}\n`);
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\n');
}

/** An uncompressed tar of `dir`'s contents, owned by root. */
export async function tarDir(dir: string, out: string): Promise<void> {
  await must(['tar', '--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', out, '.'], { timeout: 30_000 });
}

export interface OciImage {
  /** Full name, e.g. localhost/cnits-e2e/pause:1 */
  readonly name: string;
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The JSON documents of a one-layer OCI image whose layer has digest `layerDigest` and `layerSize` bytes. */
export function ociDocuments(image: OciImage, layerDigest: string, layerSize: number, created = '2024-01-01T00:00:00Z') {
  const config = JSON.stringify({
    created,
    architecture: 'amd64',
    os: 'linux',
    config: {
      Env: ['PATH=/bin'],
      Entrypoint: image.entrypoint,
      ...(image.cmd ? { Cmd: image.cmd } : {}),
      WorkingDir: '/',
    },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    history: [{ created, created_by: 'cni-ts e2e', comment: 'busybox-static root file system' }],
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha256(config)}`, size: Buffer.byteLength(config) },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: layerSize }],
  });
  const tag = image.name.slice(image.name.lastIndexOf(':') + 1);
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${sha256(manifest)}`,
        size: Buffer.byteLength(manifest),
        platform: { architecture: 'amd64', os: 'linux' },
        annotations: { 'io.containerd.image.name': image.name, 'org.opencontainers.image.ref.name': tag },
      },
    ],
  });
  return { config, manifest, index };
}

/** Writes an OCI image layout for `image` with `layerTar` as its only layer, archived to `out`. */
export async function buildOciArchive(image: OciImage, layerTar: string, workDir: string, out: string): Promise<void> {
  const blobs = join(workDir, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const layer = readFileSync(layerTar);
  const layerDigest = sha256(layer);
  copyFileSync(layerTar, join(blobs, layerDigest));
  const docs = ociDocuments(image, layerDigest, statSync(layerTar).size);
  writeFileSync(join(blobs, sha256(docs.config)), docs.config);
  writeFileSync(join(blobs, sha256(docs.manifest)), docs.manifest);
  writeFileSync(join(workDir, 'index.json'), docs.index);
  writeFileSync(join(workDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await tarDir(workDir, out);
}
