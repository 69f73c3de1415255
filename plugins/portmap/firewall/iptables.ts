// Applies the iptables plan: one iptables-restore per operation and family on the common path
// (a first ADD, a DEL of what ADD made, a CHECK), and an iptables-save + iptables-restore when the
// fast script is refused (first ADD on a host, re-ADD, repeated DEL, rules made by other means).
import type { Attachment } from '../../../lib/cni/attachment.ts';
import { settleAll } from '../../../lib/cni/errors.ts';
import { iptablesUsable } from '../../../lib/firewall/backend.ts';
import type { Family } from '../../../lib/ip/index.ts';
import { iptablesRestore, iptablesSave } from '../../../lib/firewall/iptables.ts';
import { ToolError } from '../../../lib/firewall/run.ts';
import type { Forwarder } from './backend.ts';
import { dnatChainName, entryRules, oldSnatChainName, planIptables, TOP_DNAT, type Rule } from './iptables-plan.ts';
import { ruleText } from '../../../lib/firewall/iptables-text.ts';
import { checkScript, delTargets, fastAddScript, fastDelScript, slowAddScript, slowDelScript } from './iptables-script.ts';
import { FAMILIES, type ForwardSpec, type Teardown } from './types.ts';

const refused = (err: unknown): boolean => err instanceof ToolError;

async function forward(spec: ForwardSpec): Promise<void> {
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
 * DEL for one family. `entries` are the entry rules ADD would have made; when they are not all
 * there, the listing decides.
 */
async function unforwardFamily(a: Attachment, family: Family, entries: readonly Rule[]): Promise<void> {
  const chain = dnatChainName(a);
  if (entries.length > 0) {
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

/**
 * DEL's families, as the reference: a family whose tables cannot be used is skipped, unless none
 * can be, or the previous result says the container has an address there.
 */
export async function eachFamily(t: Teardown, unforward: (family: Family) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(t.families.map(unforward));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0 && (failed.length === results.length || t.ips.length > 0)) throw failed[0]!.reason;
}

/** CHECK for one family: one read-only restore of `-C` lines; names the first missing rule. */
async function check(spec: ForwardSpec): Promise<void> {
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
async function collectFamily(network: string, family: Family, keep: readonly Attachment[]): Promise<void> {
  const table = await iptablesSave(family, 'nat');
  const valid = new Set(keep.map((a) => dnatChainName(a)));
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

export const iptablesForwarder: Forwarder = {
  backend: 'iptables',
  forward,
  check,
  unforward: (t) => eachFamily(t, (family) => unforwardFamily(t.attachment, family, entryRules(t, family, dnatChainName(t.attachment)))),
  collect: (network, keep) => settleAll(FAMILIES.map((family) => collectFamily(network, family, keep))),
  usable: iptablesUsable,
  unusable: 'iptables backend is not usable: iptables cannot list the nat table',
};
