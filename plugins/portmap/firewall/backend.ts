// Port forwarding as one interface with an implementation per firewall backend. The verbs hold
// only this interface; each implementation is loaded when a verb first uses it, so an iptables
// host never loads the nftables code, nor the reverse.
import type { Attachment } from '../../../lib/cni/attachment.ts';
import type { Backend, Backends } from '../../../lib/firewall/backend.ts';
import type { ForwardSpec, Teardown } from './types.ts';

export interface Forwarder {
  /** Its backend's name, for the metrics' `backend` label. */
  readonly backend: Backend;
  /** ADD for one container address: its rules made, or remade over what is there. */
  forward(spec: ForwardSpec): Promise<void>;
  /** CHECK for one container address: throws, naming what is missing. */
  check(spec: ForwardSpec): Promise<void>;
  /** DEL: whatever is left of the attachment's forwards, in each of its families. */
  unforward(t: Teardown): Promise<void>;
  /** GC: the network's forwards of any attachment not kept, in both families. */
  collect(network: string, keep: readonly Attachment[]): Promise<void>;
  /** Whether the backend's tools work here (probed at most once a process). */
  usable(): Promise<boolean>;
  /** STATUS's message when it does not. */
  readonly unusable: string;
}

export const FORWARDERS: Backends<Forwarder> = {
  iptables: async () => (await import('./iptables.ts')).iptablesForwarder,
  nftables: async () => (await import('./nft.ts')).nftForwarder,
};
