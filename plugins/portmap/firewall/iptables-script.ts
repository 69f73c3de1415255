// iptables-restore scripts for the portmap plan: each operation is one script for one family,
// applied by one `iptables-restore --noflush` (or read-only, with -C lines). Pure text.
//
// ADD has a fast path that needs no listing: `-N` the container's chain, fill it, append its
// entry rules. It fails as a whole (nothing applied) when the chain already exists (a re-ADD, or
// an ADD over the reference's) or a shared chain is missing (the first ADD of a host); the slow
// path then works from an iptables-save listing. DEL is the same: delete exactly the entry rules
// the plan says ADD made, else work from the listing.
import type { IptablesTable } from '../../../lib/firewall/iptables.ts';
import { ruleText } from '../../../lib/firewall/iptables-text.ts';
import { OLD_TOP_SNAT, TOP_DNAT, type IptablesPlan, type Rule } from './iptables-plan.ts';

// The executor names a rule CHECK did not find with it.

const line = (op: string, chain: string, rule: Rule | string): string =>
  `${op} ${chain}${typeof rule === 'string' ? (rule ? ` ${rule}` : '') : rule.length ? ` ${ruleText(rule)}` : ''}`;

const script = (lines: readonly string[]): string => ['*nat', ...lines, 'COMMIT', ''].join('\n');

const fill = (plan: IptablesPlan): string[] => [
  ...plan.rules.map((r) => line('-A', plan.chain, r)),
  ...plan.entryRules.map((r) => line('-A', TOP_DNAT, r)),
];

/** A first ADD on a host where the shared chains exist. */
export const fastAddScript = (plan: IptablesPlan): string => script([`-N ${plan.chain}`, ...fill(plan)]);

/** Saved rules of `chain` that jump to `target`, verbatim (a restore script takes them back as they are). */
export const jumpsTo = (table: IptablesTable, chain: string, target: string): string[] =>
  (table.chains.get(chain) ?? []).filter((r) => r === `-j ${target}` || r.endsWith(` -j ${target}`));

/**
 * ADD from a listing: creates whatever shared chain or rule is missing, removes the container's
 * old entry rules, and (re)declares its chain, which flushes it, before filling it again.
 */
export function slowAddScript(plan: IptablesPlan, table: IptablesTable): string {
  const lines: string[] = [];
  for (const shared of plan.shared) {
    const existing = table.chains.get(shared.name);
    if (existing === undefined) lines.push(`:${shared.name} - [0:0]`);
    for (const r of shared.rules) if (!existing?.includes(ruleText(r))) lines.push(line('-A', shared.name, r));
    for (const e of shared.entries) {
      if (table.chains.get(e.chain)?.includes(ruleText(e.rule))) continue;
      lines.push(e.prepend ? line(`-I`, `${e.chain} 1`, e.rule) : line('-A', e.chain, e.rule));
    }
  }
  for (const old of jumpsTo(table, TOP_DNAT, plan.chain)) lines.push(line('-D', TOP_DNAT, old));
  lines.push(`:${plan.chain} - [0:0]`, ...fill(plan));
  return script(lines);
}

/** DEL when the entry rules are exactly those the plan computes. */
export const fastDelScript = (chain: string, entries: readonly Rule[]): string =>
  script([...entries.map((r) => line('-D', TOP_DNAT, r)), `-F ${chain}`, `-X ${chain}`]);

/**
 * DEL from a listing: every rule that jumps to the container's chain (and to the legacy SNAT
 * chain) goes, then the chains. Undefined when there is nothing to remove.
 */
export function slowDelScript(table: IptablesTable, chains: readonly { readonly top: string; readonly chain: string }[]): string | undefined {
  const lines: string[] = [];
  for (const { top, chain } of chains) {
    for (const r of jumpsTo(table, top, chain)) lines.push(line('-D', top, r));
    if (table.chains.has(chain)) lines.push(`-F ${chain}`, `-X ${chain}`);
  }
  return lines.length > 0 ? script(lines) : undefined;
}

export const delTargets = (dnat: string, oldSnat: string): { top: string; chain: string }[] => [
  { top: TOP_DNAT, chain: dnat },
  { top: OLD_TOP_SNAT, chain: oldSnat },
];

/** What each line of a check script verifies, for the error message. */
export interface CheckLine {
  readonly chain: string;
  readonly rule: Rule;
}

/** A read-only script: `-C` for every rule of the chain and every entry rule; line N+1 is lines[N-1]. */
export function checkScript(plan: IptablesPlan): { text: string; lines: CheckLine[] } {
  const lines: CheckLine[] = [
    ...plan.rules.map((rule) => ({ chain: plan.chain, rule })),
    ...plan.entryRules.map((rule) => ({ chain: TOP_DNAT, rule })),
  ];
  return { text: script(lines.map((l) => line('-C', l.chain, l.rule))), lines };
}
