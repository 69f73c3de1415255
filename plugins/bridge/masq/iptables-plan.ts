// ipMasq on iptables, as pure planning: the nat-table rules the reference writes (chain, rules and
// comment bit-identical, so either implementation removes what the other made), turned into one
// iptables-restore script against what iptables-save listed. The executor is iptables.ts.
import type { IptablesTable } from '../../../lib/firewall/iptables.ts';
import { ruleText, ruleTokens } from '../../../lib/firewall/iptables-text.ts';
import { chainComment, chainName, parseChainComment } from '../../../lib/firewall/names.ts';
import type { Family } from '../../../lib/ip/index.ts';

export interface MasqAddress {
  /** The address alone, Go-canonical: "10.1.2.2". */
  readonly ip: string;
  /** Its network: "10.1.2.0/24". */
  readonly subnet: string;
  readonly family: Family;
}

const MULTICAST = { 4: '224.0.0.0/4', 6: 'ff00::/8' } as const;
const HOST_BITS = { 4: 32, 6: 128 } as const;

const argAfter = (tokens: readonly string[], flag: string): string | undefined => {
  const i = tokens.indexOf(flag);
  return i < 0 ? undefined : tokens[i + 1];
};

/** The rules ADD wants for one address, in iptables-save's argument order. */
export function masqRules(a: MasqAddress, chain: string, comment: string): { accept: string[]; masquerade: string[]; jump: string[] } {
  const c = ['-m', 'comment', '--comment', comment];
  return {
    accept: ['-d', a.subnet, ...c, '-j', 'ACCEPT'],
    masquerade: ['!', '-d', MULTICAST[a.family], ...c, '-j', 'MASQUERADE'],
    jump: ['-s', `${a.ip}/${HOST_BITS[a.family]}`, ...c, '-j', chain],
  };
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((t, i) => t === b[i]);
const has = (rules: readonly string[] | undefined, want: readonly string[]): boolean => (rules ?? []).some((r) => same(ruleTokens(r), want));

/**
 * The restore script that makes the nat table hold the reference's masquerade rules for these
 * addresses (all of one family), adding only what is missing; '' when nothing is. One fix over
 * the reference: every ACCEPT goes before the MASQUERADE rule (the reference appends a second
 * subnet's ACCEPT after it, so that subnet is masqueraded too).
 */
export function planMasqSetup(table: IptablesTable, network: string, containerID: string, addrs: readonly MasqAddress[]): string {
  if (addrs.length === 0) return '';
  const chain = chainName(network, containerID);
  const comment = chainComment(network, containerID);
  const existing = table.chains.get(chain);
  const lines: string[] = [];
  // -N, not a ":chain" declaration: it fails rather than flushes when the chain exists after all,
  // which is what lets the executor try a plan made against an empty table first.
  if (existing === undefined) lines.push(`-N ${chain}`);
  const planned: string[][] = [];
  const want = (where: string, rules: readonly string[] | undefined, tokens: string[], insert = false): void => {
    if (has(rules, tokens) || planned.some((p) => same(p, [where, ...tokens]))) return;
    planned.push([where, ...tokens]);
    lines.push(insert ? `-I ${where} 1 ${ruleText(tokens)}` : `-A ${where} ${ruleText(tokens)}`);
  };
  for (const a of addrs) want(chain, existing, masqRules(a, chain, comment).accept, existing !== undefined);
  want(chain, existing, masqRules(addrs[0]!, chain, comment).masquerade);
  for (const a of addrs) want('POSTROUTING', table.chains.get('POSTROUTING'), masqRules(a, chain, comment).jump);
  return lines.length === 0 ? '' : `*nat\n${lines.join('\n')}\nCOMMIT\n`;
}

/**
 * The restore script that removes one attachment's masquerade state. With known addresses it
 * deletes their jumps (and the legacy `-s <cidr>` jumps); when none are known (the link was
 * already gone, reference bug #810) every jump to the chain goes. The chain itself goes once no
 * jump to it is left; while another interface of the same container still jumps to it (the chain
 * name ignores ifname), only the ACCEPT rules of these addresses are removed.
 */
export function planMasqTeardown(table: IptablesTable, network: string, containerID: string, addrs: readonly MasqAddress[]): string {
  const chain = chainName(network, containerID);
  const comment = chainComment(network, containerID);
  const post = table.chains.get('POSTROUTING') ?? [];
  const jumps = post.filter((r) => argAfter(ruleTokens(r), '-j') === chain);
  const sources = new Set(addrs.flatMap((a) => [`${a.ip}/${HOST_BITS[a.family]}`, a.subnet]));
  const gone = addrs.length === 0 ? jumps : jumps.filter((r) => sources.has(argAfter(ruleTokens(r), '-s') ?? '') && argAfter(ruleTokens(r), '--comment') === comment);
  const lines = gone.map((r) => `-D POSTROUTING ${r}`);
  const rules = table.chains.get(chain);
  if (rules !== undefined) {
    if (gone.length === jumps.length) {
      lines.push(`-F ${chain}`, `-X ${chain}`);
    } else {
      const subnets = new Set(addrs.map((a) => a.subnet));
      for (const r of rules) {
        const t = ruleTokens(r);
        if (argAfter(t, '-j') === 'ACCEPT' && subnets.has(argAfter(t, '-d') ?? '')) lines.push(`-D ${chain} ${r}`);
      }
    }
  }
  return lines.length === 0 ? '' : `*nat\n${lines.join('\n')}\nCOMMIT\n`;
}

/**
 * Teardown when nothing needs listing: the jumps ADD made for these addresses, then the chain.
 * It fails as a whole if any of it is not exactly so (a legacy jump, another interface of the
 * same container still using the chain, rules already gone), and the executor then lists.
 */
export function planMasqTeardownExact(network: string, containerID: string, addrs: readonly MasqAddress[]): string {
  if (addrs.length === 0) return '';
  const chain = chainName(network, containerID);
  const comment = chainComment(network, containerID);
  const lines = addrs.map((a) => `-D POSTROUTING ${ruleText(masqRules(a, chain, comment).jump)}`);
  return `*nat\n${lines.join('\n')}\n-F ${chain}\n-X ${chain}\nCOMMIT\n`;
}

/**
 * GC, which the reference's iptables backend lacks: every rule carries `name: "<net>" id: "<id>"`,
 * so the chains of this network whose container is not in `keep` are found and removed, with
 * every jump to them.
 */
export function planMasqGc(table: IptablesTable, network: string, keep: ReadonlySet<string>): string {
  const stale = new Set<string>();
  for (const [name, rules] of table.chains) {
    for (const r of rules) {
      const m = parseChainComment(argAfter(ruleTokens(r), '--comment') ?? '');
      if (!m || m.dnat || m.network !== network || keep.has(m.containerID)) continue;
      const chain = chainName(network, m.containerID);
      if (name === chain || argAfter(ruleTokens(r), '-j') === chain) stale.add(chain);
    }
  }
  if (stale.size === 0) return '';
  const lines: string[] = [];
  for (const [name, rules] of table.chains) {
    if (stale.has(name)) continue;
    for (const r of rules) if (stale.has(argAfter(ruleTokens(r), '-j') ?? '')) lines.push(`-D ${name} ${r}`);
  }
  for (const chain of stale) if (table.chains.has(chain)) lines.push(`-F ${chain}`, `-X ${chain}`);
  return `*nat\n${lines.join('\n')}\nCOMMIT\n`;
}

/** What CHECK expects to find: every rule of every address. Returns the missing ones. */
export function missingMasqRules(table: IptablesTable, network: string, containerID: string, addrs: readonly MasqAddress[]): string[] {
  const chain = chainName(network, containerID);
  const comment = chainComment(network, containerID);
  const missing: string[] = [];
  for (const a of addrs) {
    const r = masqRules(a, chain, comment);
    for (const [where, tokens] of [[chain, r.accept], [chain, r.masquerade], ['POSTROUTING', r.jump]] as const) {
      if (!has(table.chains.get(where), tokens)) missing.push(`-A ${where} ${ruleText(tokens)}`);
    }
  }
  return missing;
}
