// Applies the iptables plan: one iptables-restore per operation and family on the common path
// (a first ADD, a DEL of what ADD made, a CHECK), and an iptables-save + iptables-restore when the
// fast script is refused (first ADD on a host, re-ADD, repeated DEL, rules made by other means).
import type { Family } from '../../../lib/ip/index.ts';
import { iptablesRestore, iptablesSave } from '../../../lib/firewall/iptables.ts';
import { ToolError } from '../../../lib/firewall/run.ts';
import { dnatChainName, oldSnatChainName, planIptables, TOP_DNAT, type Rule } from './iptables-plan.ts';
import { checkScript, delTargets, fastAddScript, fastDelScript, ruleText, slowAddScript, slowDelScript } from './iptables-script.ts';
import type { Attachment, ForwardSpec } from './types.ts';

const refused = (err: unknown): boolean => err instanceof ToolError;

export async function iptablesForward(spec: ForwardSpec): Promise<void> {
  const family = spec.ip.family;
  const plan = planIptables(spec);
  try {
    await iptablesRestore(family, fastAddScript(plan));
    return;
  } catch (err) {
    if (!refused(err)) throw err;
  }
  try {
    await iptablesRestore(family, slowAddScript(plan, await iptablesSave(family, 'nat')));
  } catch (err) {
    throw new Error(`unable to setup DNAT: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * DEL for one family. `entries` are the entry rules ADD would have made, when the mappings are
 * known; without them, or when they are not all there, the listing decides.
 */
export async function iptablesUnforward(a: Attachment, family: Family, entries: readonly Rule[] | undefined): Promise<void> {
  const chain = dnatChainName(a);
  if (entries !== undefined && entries.length > 0) {
    try {
      await iptablesRestore(family, fastDelScript(chain, entries));
      return;
    } catch (err) {
      if (!refused(err)) throw err;
    }
  }
  const script = slowDelScript(await iptablesSave(family, 'nat'), delTargets(chain, oldSnatChainName(a)));
  if (script) await iptablesRestore(family, script);
}


/** CHECK for one family: one read-only restore of `-C` lines; names the first missing rule. */
export async function iptablesCheck(spec: ForwardSpec): Promise<void> {
  const plan = planIptables(spec);
  const { text, lines } = checkScript(plan);
  try {
    await iptablesRestore(spec.ip.family, text);
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    const n = /line (\d+) failed/.exec(err.stderr);
    const l = n ? lines[Number(n[1]) - 2] : undefined;
    if (l === undefined) throw new Error(`chain ${plan.chain} not found in iptables table nat: ${err.stderr}`, { cause: err });
    throw new Error(`rule "${ruleText(l.rule)}" in chain ${l.chain} not found in table nat`, { cause: err });
  }
}

/** GC for one family: this network's containers (known by their entry comment) that are not kept. */
export async function iptablesCollect(network: string, family: Family, keepIds: readonly string[]): Promise<void> {
  const table = await iptablesSave(family, 'nat');
  const valid = new Set(keepIds.map((id) => dnatChainName({ network, containerID: id })));
  const mark = `--comment ${ruleText([`dnat name: "${network}" id: "`]).slice(0, -1)}`;
  const stale = new Set<string>();
  for (const r of table.chains.get(TOP_DNAT) ?? []) {
    const target = / -j (CNI-DN-[0-9a-f]+)$/.exec(r)?.[1];
    if (target && r.includes(mark) && !valid.has(target)) stale.add(target);
  }
  if (stale.size === 0) return;
  const script = slowDelScript(table, [...stale].map((chain) => ({ top: TOP_DNAT, chain })));
  if (script) await iptablesRestore(family, script);
}
