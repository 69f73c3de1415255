// ipMasq on nftables, as pure planning: the reference's `inet cni_plugins_masquerade` table, its
// rules and their hashed comments (bit-identical), as `nft -f` text. The executor is nft.ts.
import type { Attachment, AttachmentRef } from '../../../lib/cni/attachment.ts';
import type { MasqAddress } from './iptables-plan.ts';
import { attachmentComment, networkHash } from '../../../lib/firewall/names.ts';
import type { NftRule } from '../../../lib/firewall/nft-listing.ts';

export const MASQ_TABLE = 'cni_plugins_masquerade';
export const MASQ_CHAIN = 'masq_checks';
const T = `inet ${MASQ_TABLE}`;

/** The rule for one address, as the reference writes it (knftables passes the text through). */
export function masqRuleText(a: MasqAddress): string {
  const ip = a.family === 4 ? 'ip' : 'ip6';
  return `${ip} saddr == ${a.ip} ${ip} daddr != ${a.subnet} masquerade`;
}

/**
 * The ADD batch: table and chains ensured, the postrouting chain rewritten, this instance's stale
 * rules (by handle) deleted and one rule per address added, all in one transaction.
 */
export function planNftMasqSetup(a: Attachment, addrs: readonly MasqAddress[], staleHandles: readonly number[]): string {
  const comment = attachmentComment(a);
  return [
    `add table ${T} { comment "Masquerading for plugins from github.com/containernetworking/plugins" ; }`,
    `add chain ${T} ${MASQ_CHAIN} { comment "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet" ; }`,
    `add chain ${T} postrouting { type nat hook postrouting priority 100 ; }`,
    `flush chain ${T} postrouting`,
    `add rule ${T} postrouting ip daddr == 224.0.0.0/4  return`,
    `add rule ${T} postrouting ip6 daddr == ff00::/8  return`,
    `add rule ${T} postrouting goto ${MASQ_CHAIN}`,
    ...staleHandles.map((h) => `delete rule ${T} ${MASQ_CHAIN} handle ${h}`),
    ...addrs.map((x) => `add rule ${T} ${MASQ_CHAIN} ${masqRuleText(x)} comment "${comment}"`),
  ].join('\n') + '\n';
}

/** Rules of masq_checks whose comment starts with `prefix` (an instance or a network hash). */
export const rulesWithPrefix = (rules: readonly NftRule[], prefix: string): NftRule[] =>
  rules.filter((r) => r.chain === MASQ_CHAIN && r.comment !== undefined && r.comment.startsWith(prefix));

/** Deleting rules by handle; '' when there are none. */
export const planNftDelete = (rules: readonly NftRule[]): string =>
  rules.map((r) => `delete rule ${T} ${r.chain} handle ${r.handle}`).join('\n') + (rules.length > 0 ? '\n' : '');

/** GC as the reference's (unused) gcIPMasqNFTables: this network's rules not of a valid attachment. */
export function staleNftMasqRules(rules: readonly NftRule[], network: string, keep: readonly AttachmentRef[]): NftRule[] {
  const valid = new Set(keep.map((k) => attachmentComment({ network, ...k })));
  return rulesWithPrefix(rules, networkHash(network)).filter((r) => !valid.has(r.comment!));
}
