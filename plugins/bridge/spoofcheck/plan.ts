// macspoofchk as pure planning: the reference's `bridge nat` PREROUTING hook, per-attachment
// chains and comments (bit-identical names, so either implementation removes the other's), as
// `nft -f` text. The executor is apply.ts.
import { nftChainNames, nftRules, type NftObject } from '../../../lib/firewall/nft-listing.ts';

const T = 'bridge nat';
export const PREROUTING = 'PREROUTING';
const CHAIN_PREFIX = 'cni-br-iface-';

/** The reference's refID: "<containerID>-<ifname>". */
export const spoofRefID = (containerID: string, ifname: string): string => `${containerID}-${ifname}`;
export const ifaceChain = (refID: string): string => `${CHAIN_PREFIX}${refID}`;
export const macChain = (refID: string): string => `${ifaceChain(refID)}-mac`;
export const spoofComment = (refID: string): string => `macspoofchk-${refID}`;

/**
 * The ADD batch, in one transaction (the reference needs two: it cannot flush a chain that may
 * not exist yet; within one nft batch an added chain can be flushed). Only frames with the
 * container's MAC leave its port; everything else is dropped.
 */
export function planSpoofSetup(hostIface: string, mac: string, refID: string): string {
  const c = `comment "${spoofComment(refID)}"`;
  const ic = ifaceChain(refID);
  const mc = macChain(refID);
  return [
    `add table ${T}`,
    `add chain ${T} ${PREROUTING} { type filter hook prerouting priority -300 ; policy accept ; }`,
    `add chain ${T} ${ic}`,
    `add chain ${T} ${mc}`,
    `flush chain ${T} ${ic}`,
    `flush chain ${T} ${mc}`,
    `add rule ${T} ${PREROUTING} iifname "${hostIface}" jump ${ic} ${c}`,
    `add rule ${T} ${ic} jump ${mc} ${c}`,
    `add rule ${T} ${mc} ether saddr ${mac} return ${c}`,
    `add rule ${T} ${mc} drop ${c}`,
  ].join('\n') + '\n';
}

const chainsOf = (objects: readonly NftObject[]): Set<string> => new Set(nftChainNames(objects));

/** Deleting attachments' PREROUTING rules (by comment) and their two chains, whatever exists. */
export function planSpoofTeardown(objects: readonly NftObject[], refIDs: readonly string[]): string {
  const chains = chainsOf(objects);
  const comments = new Set(refIDs.map(spoofComment));
  const rules = nftRules(objects, PREROUTING).filter((r) => r.comment !== undefined && comments.has(r.comment));
  const lines = rules.map((r) => `delete rule ${T} ${PREROUTING} handle ${r.handle}`);
  for (const id of refIDs) {
    // The iface chain jumps to the mac chain: it goes first.
    for (const name of [ifaceChain(id), macChain(id)]) if (chains.has(name)) lines.push(`delete chain ${T} ${name}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The refIDs that have spoof-check state in the table, from their chain names. */
export function spoofRefIDs(objects: readonly NftObject[]): string[] {
  return [...chainsOf(objects)].filter((n) => n.startsWith(CHAIN_PREFIX) && !n.endsWith('-mac')).map((n) => n.slice(CHAIN_PREFIX.length));
}

/** The host interface a refID's PREROUTING rule matches, read from nft's JSON expression. */
export function spoofIface(objects: readonly NftObject[], refID: string): string | undefined {
  const comment = spoofComment(refID);
  for (const r of nftRules(objects, PREROUTING)) {
    if (r.comment !== comment) continue;
    for (const e of r.expr ?? []) {
      const m = (e as { match?: { left?: { meta?: { key?: string } }; right?: unknown } }).match;
      if (m?.left?.meta?.key === 'iifname' && typeof m.right === 'string') return m.right;
    }
  }
  return undefined;
}
