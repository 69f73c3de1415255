// What the bridge verbs touch outside themselves, as one object that the plugin entry builds and
// unit tests replace with fakes. Firewall code stays out of start-up: each masquerade backend
// and the spoof check are loaded by the first verb that uses them.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { release } from 'node:os';
import { delegate, findInPath } from '../../lib/cni/delegate.ts';
import { openNetlink, readSysctl, withNetns, writeSysctl, type Netlink } from '../../lib/net/index.ts';
import type { Backends } from '../../lib/firewall/backend.ts';
import { MASQ_BACKENDS, type MasqBackend } from './masq/backend.ts';
import type { SpoofCheck } from './spoofcheck/apply.ts';

export interface Sysctl {
  read(key: string): string;
  write(key: string, value: string): void;
}

export interface Deps {
  /** rtnetlink in the plugin's (the host's) namespace, or in the one at `netns`. */
  openNetlink(netns?: string): Promise<Netlink>;
  readonly masq: Backends<MasqBackend>;
  spoofCheck(): Promise<SpoofCheck>;
  /** IPAM: the request run by another plugin (lib/cni/delegate.ts). */
  readonly delegate: typeof delegate;
  /** The delegated plugin's executable; throws (code 4) when CNI_PATH lacks it. */
  readonly findPlugin: typeof findInPath;
  /** The host's sysctls. */
  readonly sysctl: Sysctl;
  /** Runs `fn` on the sysctls of the namespace at `netns`, all in one namespace switch. */
  netnsSysctl<T>(netns: string, fn: (s: Sysctl) => T): T;
  sleep(ms: number): Promise<void>;
  /** A name for a host-side veth end. */
  randomVethName(): string;
  /** The kernel can make bridges, now or by loading its module. */
  kernelHasBridges(): boolean;
}

/** `veth` + 8 random hex digits, as the reference names the host end. Read from the kernel's
 *  random source directly: node:crypto costs a few milliseconds to load. */
function randomVethName(): string {
  const fd = openSync('/dev/urandom', 'r');
  try {
    const bytes = Buffer.alloc(4);
    readSync(fd, bytes, 0, 4, null);
    return `veth${bytes.toString('hex')}`;
  } finally {
    closeSync(fd);
  }
}

// Inside withNetns, the plain functions act on the namespace switched to.
const sysctl: Sysctl = { read: (key) => readSysctl(key), write: (key, value) => writeSysctl(key, value) };

export const hostDeps: Deps = {
  openNetlink,
  masq: MASQ_BACKENDS,
  spoofCheck: async () => (await import('./spoofcheck/apply.ts')).nftSpoofCheck,
  delegate,
  findPlugin: findInPath,
  sysctl,
  netnsSysctl: (netns, fn) => withNetns(netns, () => fn(sysctl)),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  randomVethName,
  // Built in or loaded: /sys/module/bridge; loadable on first use: the module file is installed.
  kernelHasBridges: () => existsSync('/sys/module/bridge') || existsSync(`/lib/modules/${release()}/kernel/net/bridge`),
};
