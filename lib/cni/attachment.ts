// One attachment: a container's interface on a network, the unit every verb works on. Whatever a
// plugin keeps about one (address reservations, firewall chains and comments, libcni's cache
// entry) is named from these three fields, and GC is told which ones are still valid.
export interface Attachment {
  readonly network: string;
  readonly containerID: string;
  readonly ifname: string;
}

/** An attachment as GC's `cni.dev/valid-attachments` lists it: the network is the config's. */
export type AttachmentRef = Omit<Attachment, 'network'>;

/** The attachment a request is for. */
export const attachmentOf = (network: string, ref: AttachmentRef): Attachment => ({ network, containerID: ref.containerID, ifname: ref.ifname });
