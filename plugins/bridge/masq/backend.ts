// ipMasq as one interface with an implementation per firewall backend, each module loaded only
// when a verb uses it: adding a backend is one module and one line in MASQ_BACKENDS. The choice
// between them is the shared one (lib/firewall/backend.ts), asked through a MasqChooser so that
// verbs never name a backend.
import type { Attachment, AttachmentRef } from '../../../lib/cni/attachment.ts';
import { BACKENDS, onEveryBackend, withBackend, type Backend, type Backends, type Probes } from '../../../lib/firewall/backend.ts';
import type { MasqAddress } from './iptables-plan.ts';

export type { MasqAddress } from './iptables-plan.ts';

export interface MasqBackend {
  /** ADD: the attachment's rules for its addresses, replacing what it had. */
  setup(a: Attachment, addrs: readonly MasqAddress[]): Promise<void>;
  /** CHECK: the rules ADD would have made that are not there, described for the error. */
  missing(a: Attachment, addrs: readonly MasqAddress[]): Promise<string[]>;
  /** DEL: the attachment's state, also when no address is known (reference #810). */
  teardown(a: Attachment, addrs: readonly MasqAddress[]): Promise<void>;
  /** GC: the network's state of attachments not in `keep`. */
  gc(network: string, keep: readonly AttachmentRef[]): Promise<void>;
  usable(): Promise<boolean>;
}

export const MASQ_BACKENDS: Backends<MasqBackend> = {
  iptables: async () => (await import('./iptables.ts')).iptablesMasq,
  nftables: async () => (await import('./nft.ts')).nftMasq,
};

export interface MasqChooser {
  /** ADD and CHECK: the configured backend, else the reference's default. */
  chosen<T>(configured: Backend | undefined, op: (m: MasqBackend) => Promise<T>): Promise<T>;
  /** DEL and GC: every backend (another version or config may have made the state); a failure
   *  counts only where its backend is usable. */
  every(op: (m: MasqBackend) => Promise<void>): Promise<void>;
  /** STATUS: the configured backend, or else any, is usable. */
  usable(configured: Backend | undefined): Promise<boolean>;
}

export function masqChooser(registry: Backends<MasqBackend>): MasqChooser {
  const usable = async (b: Backend): Promise<boolean> => (await registry[b]()).usable();
  const probes = Object.fromEntries(BACKENDS.map((b) => [b, () => usable(b)])) as unknown as Probes;
  return {
    chosen: (configured, op) => withBackend(configured, async (b) => op(await registry[b]()), probes),
    every: (op) => onEveryBackend(async (b) => op(await registry[b]()), probes),
    async usable(configured) {
      for (const b of configured === undefined ? BACKENDS : [configured]) if (await usable(b)) return true;
      return false;
    },
  };
}
