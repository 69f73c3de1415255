// What both runtime scenarios share: the temp dir, the CNI bin dir under test, the host paths
// made private, and the addresses this test owns (used by no other test of the project).
import { join } from 'node:path';

export interface E2EContext {
  /** The private temp dir; everything the runtimes write goes below it. */
  readonly tmp: string;
  /** The CNI bin dir whose bridge, host-local and portmap are under test. */
  readonly binDir: string;
  /** "ours" or "reference", for the log. */
  readonly label: string;
  /** A token served in every HTTP page, so an answer from someone else's server is not taken for ours. */
  readonly token: string;
  /** A conflist for the CRI network written by `cni-ts install` (--image), instead of the test's own. */
  readonly conflist?: string;
}

/** Host paths that runtimes write to whatever their configuration says (libcni's cache, podman's
 *  netns mounts and blob-info cache, runc's default state, containerd's shim sockets): inside the
 *  test's own mount namespace each one is a bind mount of a directory under `<tmp>/private`. */
export const PRIVATE_PATHS: readonly string[] = ['/var/lib/cni', '/run/netns', '/run/runc', '/run/containerd', '/var/lib/containers'];

export function privateDir(ctx: { tmp: string }, hostPath: string): string {
  return join(ctx.tmp, 'private', hostPath.replace(/^\//, '').replaceAll('/', '-'));
}

export interface TestNet {
  readonly name: string;
  readonly bridge: string;
  readonly subnet: string;
  readonly prefix: string;
  readonly gateway: string;
}

export const PODMAN_NET: TestNet = { name: 'cnits-e2e-podman', bridge: 'cnits-e2e-pm', subnet: '10.89.77.0/24', prefix: '10.89.77.', gateway: '10.89.77.1' };
export const CRI_NET: TestNet = { name: 'cnits-e2e-cri', bridge: 'cnits-e2e-cri', subnet: '10.89.78.0/24', prefix: '10.89.78.', gateway: '10.89.78.1' };

/** Host ports published by the test. */
export const PORTS = { podman1: 38077, podman2: 38177, cri: 38078, leak: 38079 } as const;

/** The conflist both runtimes get: bridge (gateway, masquerade, hairpin) + host-local + portmap. */
export function conflist(net: TestNet, ipamDir: string, cniVersion = '1.0.0'): string {
  return `${JSON.stringify(
    {
      cniVersion,
      name: net.name,
      plugins: [
        {
          type: 'bridge',
          bridge: net.bridge,
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: net.subnet, gateway: net.gateway }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: ipamDir,
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}
