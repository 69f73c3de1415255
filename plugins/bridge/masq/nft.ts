// ipMasq on nftables: the attachment's rules in the reference's `inet cni_plugins_masquerade`
// table, read once and changed in one nft batch (nft-plan.ts plans it).
import { nftablesUsable } from '../../../lib/firewall/backend.ts';
import { attachmentComment, attachmentHash } from '../../../lib/firewall/names.ts';
import { nftRules, type NftRule } from '../../../lib/firewall/nft-listing.ts';
import { nftApply, nftListTable } from '../../../lib/firewall/nft.ts';
import type { MasqBackend } from './backend.ts';
import { MASQ_CHAIN, MASQ_TABLE, masqRuleText, planNftDelete, planNftMasqSetup, rulesWithPrefix, staleNftMasqRules } from './nft-plan.ts';
import type { Attachment } from '../../../lib/cni/attachment.ts';

async function masqRulesNow(): Promise<NftRule[]> {
  const objects = await nftListTable('inet', MASQ_TABLE);
  return objects === undefined ? [] : nftRules(objects, MASQ_CHAIN);
}

const rulesOf = async (a: Attachment): Promise<NftRule[]> => rulesWithPrefix(await masqRulesNow(), attachmentHash(a));

async function deleteRules(rules: readonly NftRule[]): Promise<void> {
  const script = planNftDelete(rules);
  if (script) await nftApply(script);
}

export const nftMasq: MasqBackend = {
  async setup(a, addrs) {
    const stale = await rulesOf(a);
    await nftApply(planNftMasqSetup(a, addrs, stale.map((r) => r.handle)));
  },

  async missing(a, addrs) {
    const comment = attachmentComment(a);
    const have = (await masqRulesNow()).filter((r) => r.comment === comment).length;
    // nft lists rules in its own normal form; count them, as the reference's nft CHECK does.
    return have >= addrs.length ? [] : addrs.map((x) => `${masqRuleText(x)} comment "${comment}"`).slice(have);
  },

  // Found by the attachment's hash, whatever addresses it had.
  teardown: async (a) => deleteRules(await rulesOf(a)),

  gc: async (network, keep) => deleteRules(staleNftMasqRules(await masqRulesNow(), network, keep)),

  usable: nftablesUsable,
};
