// ipMasq as one interface with an implementation per firewall backend: adding a backend is one
// module and one line in MASQ_BACKENDS. Verbs reach them through lib/firewall/backend.ts (the
// chosen one, every one), never by name. Both are loaded with this module, not on first use: an
// import on first use delays the firewall tool's start, which is the verb's critical path.
import type { Attachment, AttachmentRef } from '../../../lib/cni/attachment.ts';
import type { Backends } from '../../../lib/firewall/backend.ts';
import { iptablesMasq } from './iptables.ts';
import { nftMasq } from './nft.ts';
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
  iptables: () => iptablesMasq,
  nftables: () => nftMasq,
};
