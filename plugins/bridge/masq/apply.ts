// ipMasq executor: reads the current state once per table, asks the planners what to change and
// applies it in one iptables-restore (per family) or one nft batch. Reads and writes of different
// tables run in parallel.
import type { Family } from '../../../lib/ip/index.ts';
import type { Backend } from '../../../lib/firewall/backend.ts';
import { iptablesUsable, nftablesUsable } from '../../../lib/firewall/backend.ts';
import { iptablesRestore, iptablesSave, type IptablesTable } from '../../../lib/firewall/iptables.ts';
import { missingMasqRules, planMasqGc, planMasqSetup, planMasqTeardown, planMasqTeardownExact, type MasqAddress } from './iptables-plan.ts';
import { MASQ_CHAIN, MASQ_TABLE, masqRuleText, planNftDelete, planNftMasqSetup, rulesWithPrefix, staleNftMasqRules } from './nft-plan.ts';
import { attachmentComment, attachmentHash } from '../../../lib/firewall/names.ts';
import { nftRules, type NftRule } from '../../../lib/firewall/nft-listing.ts';
import { nftApply, nftListTable } from '../../../lib/firewall/nft.ts';

export type { MasqAddress } from './iptables-plan.ts';

export interface MasqInstance {
  readonly network: string;
  readonly ifname: string;
  readonly containerID: string;
}

const EMPTY: IptablesTable = { chains: new Map() };

/**
 * Applies `fast` (a plan that needs no listing) and, only if iptables refuses it because the
 * table is not as assumed, lists the table and applies what `planned` makes of it. Listing costs
 * as much as the nat table is large (a thousand containers); the first try does not.
 */
async function restoreOptimistically(f: Family, fast: string, planned: (t: IptablesTable) => string): Promise<void> {
  if (fast) {
    try {
      await iptablesRestore(f, fast);
      return;
    } catch {
      // the table was not as assumed: plan against what is really there
    }
  }
  const script = planned(await iptablesSave(f, 'nat'));
  if (script) await iptablesRestore(f, script);
}

const families = (addrs: readonly MasqAddress[]): Family[] => [4, 6].filter((f) => addrs.some((a) => a.family === f)) as Family[];

async function masqRulesNow(): Promise<NftRule[]> {
  const objects = await nftListTable('inet', MASQ_TABLE);
  return objects === undefined ? [] : nftRules(objects, MASQ_CHAIN);
}

export async function setupMasq(backend: Backend, who: MasqInstance, addrs: readonly MasqAddress[]): Promise<void> {
  if (backend === 'nftables') {
    const stale = rulesWithPrefix(await masqRulesNow(), attachmentHash(who.network, who.ifname, who.containerID));
    await nftApply(planNftMasqSetup(who.network, who.ifname, who.containerID, addrs, stale.map((r) => r.handle)));
    return;
  }
  await Promise.all(
    families(addrs).map((f) => {
      const mine = addrs.filter((a) => a.family === f);
      const plan = (t: IptablesTable): string => planMasqSetup(t, who.network, who.containerID, mine);
      return restoreOptimistically(f, plan(EMPTY), plan);
    }),
  );
}

/**
 * Removes one attachment's masquerade state from both backends (it may have been made by another
 * version or config). Failures of a backend that is not usable here are not errors, as in the
 * reference. With no addresses known, iptables is cleaned by chain name in both families.
 */
export async function teardownMasq(who: MasqInstance, addrs: readonly MasqAddress[]): Promise<Error[]> {
  const ipt = (addrs.length === 0 ? [4, 6] : families(addrs)) as Family[];
  const jobs = ipt.map((f) => {
    const mine = addrs.filter((a) => a.family === f);
    const exact = planMasqTeardownExact(who.network, who.containerID, mine);
    return restoreOptimistically(f, exact, (t) => planMasqTeardown(t, who.network, who.containerID, mine));
  });
  const nft = (async () => {
    const script = planNftDelete(rulesWithPrefix(await masqRulesNow(), attachmentHash(who.network, who.ifname, who.containerID)));
    if (script) await nftApply(script);
  })();
  return collect([...jobs.map((j) => [j, iptablesUsable] as const), [nft, nftablesUsable] as const]);
}

async function collect(jobs: readonly (readonly [Promise<void>, () => Promise<boolean>])[]): Promise<Error[]> {
  const settled = await Promise.allSettled(jobs.map(([j]) => j));
  const errors: Error[] = [];
  for (const [i, s] of settled.entries()) {
    if (s.status === 'rejected' && (await jobs[i]![1]())) errors.push(s.reason as Error);
  }
  return errors;
}

/** GC of one network's masquerade state on both backends; `keep` are the valid attachments. */
export async function gcMasq(network: string, keep: readonly { containerID: string; ifname: string }[]): Promise<Error[]> {
  const ids = new Set(keep.map((k) => k.containerID));
  const jobs = ([4, 6] as const).map(async (f) => {
    const script = planMasqGc(await iptablesSave(f, 'nat'), network, ids);
    if (script) await iptablesRestore(f, script);
  });
  const nft = (async () => {
    const script = planNftDelete(staleNftMasqRules(await masqRulesNow(), network, keep));
    if (script) await nftApply(script);
  })();
  return collect([...jobs.map((j) => [j, iptablesUsable] as const), [nft, nftablesUsable] as const]);
}

/** CHECK: the rules ADD would have made for these addresses, as missing-rule descriptions. */
export async function missingMasq(backend: Backend, who: MasqInstance, addrs: readonly MasqAddress[]): Promise<string[]> {
  if (backend === 'nftables') {
    const comment = attachmentComment(who.network, who.ifname, who.containerID);
    const have = (await masqRulesNow()).filter((r) => r.comment === comment).length;
    // nft lists rules in its own normal form; count them, as the reference's nft CHECK does.
    return have >= addrs.length ? [] : addrs.map((a) => `${masqRuleText(a)} comment "${comment}"`).slice(have);
  }
  const out: string[] = [];
  for (const f of families(addrs)) out.push(...missingMasqRules(await iptablesSave(f, 'nat'), who.network, who.containerID, addrs.filter((a) => a.family === f)));
  return out;
}
