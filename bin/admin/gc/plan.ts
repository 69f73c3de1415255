// What the gc does with each cached attachment of a network, decided from data alone: under CRI
// the attachment's container ID is its pod sandbox's ID, so an attachment whose sandbox the
// runtime no longer lists is stale, unless its cache entry is younger than the grace period (a
// sandbox whose network was just set up may not be listed yet: containerd adds it to its list
// only after the whole ADD).
import type { AttachmentRef } from '../../../lib/cni/attachment.ts';
import type { ListedAttachment } from '../../../lib/cni/cache.ts';

export interface Plan {
  /** Sandbox gone and entry older than the grace: DEL it. */
  readonly stale: readonly ListedAttachment[];
  /** Sandbox listed: keep. */
  readonly live: readonly ListedAttachment[];
  /** Sandbox not listed, but the entry is too young to tell: keep for now. */
  readonly young: readonly ListedAttachment[];
}

export function plan(attachments: readonly ListedAttachment[], sandboxes: ReadonlySet<string>, now: number, graceMs: number): Plan {
  const stale: ListedAttachment[] = [];
  const live: ListedAttachment[] = [];
  const young: ListedAttachment[] = [];
  for (const a of attachments) {
    if (sandboxes.has(a.containerID)) live.push(a);
    else if (now - a.mtimeMs < graceMs) young.push(a);
    else stale.push(a);
  }
  return { stale, live, young };
}

// containerd names a pod's interfaces eth0, eth1, ... in the order of its networks.
const DEFAULT_IFNAME = 'eth0';

/**
 * cni.dev/valid-attachments for the plugins' GC verb: the attachments kept (live and young), those
 * whose ADD may still be running (`inFlight`: not cached yet, their sandbox not listed yet), and
 * each listed sandbox with every interface name this network's cache shows (eth0 at least), so a
 * running pod whose cache entry is missing keeps its address too. A stale attachment whose DEL
 * failed is left out, as libcni leaves it out: its sandbox is gone, and the plugins' GC is the
 * second chance to free what the DEL could not; its cache entry stays, so the next round tries
 * the DEL again.
 */
export function validAttachments(p: Plan, sandboxes: ReadonlySet<string>, inFlight: readonly AttachmentRef[] = []): AttachmentRef[] {
  const kept = [...p.live, ...p.young];
  const ifnames = new Set([DEFAULT_IFNAME, ...[...kept, ...p.stale].map((a) => a.ifname)]);
  const seen = new Set<string>();
  const out: AttachmentRef[] = [];
  const add = (containerID: string, ifname: string): void => {
    const key = `${containerID}\n${ifname}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ containerID, ifname });
  };
  for (const a of [...kept, ...inFlight]) add(a.containerID, a.ifname);
  for (const id of [...sandboxes].sort()) for (const ifname of [...ifnames].sort()) add(id, ifname);
  return out;
}
