// Applies the nftables plan: one `nft -f` batch per operation and family. Reads go straight to
// the kernel over nfnetlink (nft-netlink.ts), one small request per key, so neither ADD nor DEL
// lists the table; only GC and the rare fallbacks do.
import type { Attachment } from '../../../lib/cni/attachment.ts';
import { settleAll } from '../../../lib/cni/errors.ts';
import { nftablesUsable } from '../../../lib/firewall/backend.ts';
import { nftChainNames, type NftObject } from '../../../lib/firewall/nft-listing.ts';
import { nftApply, nftListTable } from '../../../lib/firewall/nft.ts';
import { networkHash } from '../../../lib/firewall/names.ts';
import { ToolError } from '../../../lib/firewall/run.ts';
import type { Family } from '../../../lib/ip/index.ts';
import type { Forwarder } from './backend.ts';
import { openNftReader } from './nft-netlink.ts';
import {
  dnChain,
  expectedKeys,
  expectedRules,
  masqChain,
  NFT_TABLE,
  ownerKey,
  planNftAdd,
  planNftDel,
  tableFamily,
  type MapKey,
  type NftAttachmentState,
} from './nft-plan.ts';
import { FAMILIES, type ForwardSpec } from './types.ts';

async function withReader<T>(family: Family, fn: (r: ReturnType<typeof openNftReader>['reader']) => Promise<T>): Promise<T> {
  const { reader, close } = openNftReader(family, NFT_TABLE);
  try {
    return await fn(reader);
  } finally {
    close();
  }
}

async function owners(family: Family, keys: readonly MapKey[]): Promise<Map<string, string | undefined>> {
  return withReader(family, async (r) => new Map(await Promise.all(keys.map(async (k) => [ownerKey(k), await r.elementTarget(k)] as const))));
}

async function forward(spec: ForwardSpec): Promise<void> {
  try {
    // Optimistic: adding a key that another attachment holds fails the whole batch, nothing applied.
    await nftApply(planNftAdd(spec));
    return;
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
  }
  try {
    await nftApply(planNftAdd(spec, await owners(spec.ip.family, expectedKeys(spec, spec.ip.family, spec.ip))));
  } catch (err) {
    throw new Error(`unable to set up nftables rules for port mappings: ${(err as Error).message}`, { cause: err });
  }
}

/** Map elements of a listed table, as keys, with the chain each points to. */
export function listedElements(objects: readonly NftObject[]): { key: MapKey; target: string }[] {
  const out: { key: MapKey; target: string }[] = [];
  for (const o of objects) {
    const map = o.map as { name?: string; elem?: unknown[] } | undefined;
    if (!map?.name || !Array.isArray(map.elem)) continue;
    for (const e of map.elem) {
      if (!Array.isArray(e) || e.length !== 2) continue;
      const [k, v] = e as [unknown, { goto?: { target?: string }; jump?: { target?: string } }];
      const target = v?.goto?.target ?? v?.jump?.target;
      if (target === undefined) continue;
      const concat = (k as { concat?: unknown[] } | null)?.concat;
      const text = Array.isArray(concat) ? concat.map(String).join(' . ') : String(k);
      out.push({ key: { map: map.name, text }, target });
    }
  }
  return out;
}

/** Removes chains and every element pointing at them, from a full listing (GC, or a DEL whose keys are unknown). */
async function removeByListing(family: Family, chains: (names: readonly string[]) => string[]): Promise<void> {
  const objects = await nftListTable(tableFamily(family), NFT_TABLE);
  if (objects === undefined) return;
  const doomed = new Set(chains(nftChainNames(objects)));
  const state: NftAttachmentState = {
    elements: listedElements(objects).filter((e) => doomed.has(e.target)).map((e) => e.key),
    chains: [...doomed],
  };
  const script = planNftDel(family, state);
  if (script) await nftApply(script);
}

/**
 * DEL for one family. `keys` are those the attachment's mappings imply (the masquerade key only
 * when the container address is known). Nothing is run when nothing of it is left.
 */
async function unforwardFamily(a: Attachment, family: Family, keys: readonly MapKey[]): Promise<void> {
  const mine = [dnChain(a), masqChain(a)];
  const state = await withReader(family, async (r) => {
    const [exists, targets] = await Promise.all([
      Promise.all(mine.map((c) => r.chainExists(c))),
      Promise.all(keys.map((k) => r.elementTarget(k))),
    ]);
    return {
      chains: mine.filter((_, i) => exists[i]),
      elements: keys.filter((_, i) => mine.includes(targets[i] ?? '')),
    };
  });
  const script = planNftDel(family, state);
  if (!script) return;
  try {
    await nftApply(script);
  } catch (err) {
    // A chain still referenced by an element we did not know of (mappings changed since ADD).
    if (!(err instanceof ToolError)) throw err;
    await removeByListing(family, (names) => names.filter((n) => mine.includes(n)));
  }
}

/** GC for one family: every chain of this network whose attachment is not kept, with its elements. */
async function collectFamily(network: string, family: Family, keep: readonly Attachment[]): Promise<void> {
  const valid = new Set(keep.flatMap((a) => [dnChain(a), masqChain(a)]));
  const prefix = networkHash(network);
  await removeByListing(family, (names) =>
    names.filter((n) => (n.startsWith(`dn-${prefix}-`) || n.startsWith(`masq-${prefix}-`)) && !valid.has(n)),
  );
}

/**
 * CHECK for one family: the chains hold at least as many rules as ADD writes (nft prints rules
 * back in its own normal form, so they are counted, not compared), and every key points at them.
 */
async function check(spec: ForwardSpec): Promise<void> {
  const a = spec.attachment;
  const family = spec.ip.family;
  const rules = expectedRules(spec);
  const problems = await withReader(family, async (r) => {
    const out: string[] = [];
    for (const [chain, want] of [[dnChain(a), rules.dn.length], [masqChain(a), rules.masq.length]] as const) {
      if (want === 0) continue;
      const have = await r.ruleCount(chain);
      if (have === undefined) out.push(`chain ${chain} not found in table ${tableFamily(family)} ${NFT_TABLE}`);
      else if (have < want) out.push(`missing hostport rules in ${JSON.stringify(chain)} chain`);
    }
    for (const k of expectedKeys(spec, family, spec.ip)) {
      const target = await r.elementTarget(k);
      const want = k.map.startsWith('masq') ? masqChain(a) : dnChain(a);
      if (target !== want) out.push(`${k.map} { ${k.text} } points to ${target ?? 'nothing'}, not ${want}`);
    }
    return out;
  });
  if (problems.length > 0) throw new Error(problems.join('; '));
}

export const nftForwarder: Forwarder = {
  backend: 'nftables',
  forward,
  check,
  unforward: async (t) => {
    await Promise.all(
      t.families.map((family) => unforwardFamily(t.attachment, family, expectedKeys(t, family, t.ips.find((ip) => ip.family === family)))),
    );
  },
  collect: (network, keep) => settleAll(FAMILIES.map((family) => collectFamily(network, family, keep))),
  usable: nftablesUsable,
  unusable: 'nftables backend is not usable: nft cannot manage the ip cni_hostport table',
};
