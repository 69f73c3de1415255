// macspoofchk executor, on nftables only (as in the reference): one nft batch to set up, one
// listing plus one batch to tear down.
import type { AttachmentRef } from '../../../lib/cni/attachment.ts';
import { nftablesUsable } from '../../../lib/firewall/backend.ts';
import { nftApply, nftListTable } from '../../../lib/firewall/nft.ts';
import type { NftObject } from '../../../lib/firewall/nft-listing.ts';
import { planSpoofSetup, planSpoofTeardown, spoofIface, spoofRefID, spoofRefIDs } from './plan.ts';

export interface SpoofCheck {
  /** Only frames from `mac` may leave the attachment's host port `hostIface`. */
  setup(a: AttachmentRef, hostIface: string, mac: string): Promise<void>;
  teardown(a: AttachmentRef): Promise<void>;
  /**
   * Spoof-check state carries no network name: only that of attachments not in `keep` AND
   * whose host interface `isStale` says is ours or gone is removed.
   */
  gc(keep: readonly AttachmentRef[], isStale: (hostIface: string | undefined) => Promise<boolean>): Promise<void>;
  usable(): Promise<boolean>;
}

const refIDOf = (a: AttachmentRef): string => spoofRefID(a.containerID, a.ifname);

/** Deletes what `stale` picks from the bridge nat table, if there is one. */
async function removeFromTable(stale: (objects: readonly NftObject[]) => Promise<string[]>): Promise<void> {
  const objects = await nftListTable('bridge', 'nat');
  if (objects === undefined) return;
  const script = planSpoofTeardown(objects, await stale(objects));
  if (script) await nftApply(script);
}

export const nftSpoofCheck: SpoofCheck = {
  setup: (a, hostIface, mac) => nftApply(planSpoofSetup(hostIface, mac, refIDOf(a))),

  teardown: (a) => removeFromTable(async () => [refIDOf(a)]),

  gc: (keep, isStale) =>
    removeFromTable(async (objects) => {
      const valid = new Set(keep.map(refIDOf));
      const stale: string[] = [];
      for (const id of spoofRefIDs(objects)) if (!valid.has(id) && (await isStale(spoofIface(objects, id)))) stale.push(id);
      return stale;
    }),

  usable: nftablesUsable,
};
