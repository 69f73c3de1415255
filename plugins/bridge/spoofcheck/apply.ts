// macspoofchk executor: one nft batch to set up, one listing plus one batch to tear down.
import { nftApply, nftListTable } from '../../../lib/firewall/nft.ts';
import { planSpoofSetup, planSpoofTeardown, spoofIface, spoofRefIDs } from './plan.ts';

export { spoofRefID } from './plan.ts';

export async function setupSpoofCheck(hostIface: string, mac: string, refID: string): Promise<void> {
  await nftApply(planSpoofSetup(hostIface, mac, refID));
}

export async function teardownSpoofCheck(refIDs: readonly string[]): Promise<void> {
  const objects = await nftListTable('bridge', 'nat');
  if (objects === undefined) return;
  const script = planSpoofTeardown(objects, refIDs);
  if (script) await nftApply(script);
}

/**
 * GC: spoof-check chains carry no network name, so only those whose refID is not valid AND
 * whose host interface `isStale` says is ours or gone are removed.
 */
export async function gcSpoofCheck(valid: ReadonlySet<string>, isStale: (hostIface: string | undefined) => Promise<boolean>): Promise<void> {
  const objects = await nftListTable('bridge', 'nat');
  if (objects === undefined) return;
  const stale: string[] = [];
  for (const id of spoofRefIDs(objects)) {
    if (!valid.has(id) && (await isStale(spoofIface(objects, id)))) stale.push(id);
  }
  const script = planSpoofTeardown(objects, stale);
  if (script) await nftApply(script);
}
