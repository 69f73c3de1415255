// nftables through the nft tool: one `nft -f -` per change (text syntax: nft cannot read JSON from
// the socket Node gives a child as stdin), `nft -j list` to read back.
import { runTool, ToolError } from './run.ts';

export type NftFamily = 'ip' | 'ip6' | 'inet' | 'bridge' | 'arp' | 'netdev';

/** One element of `nft -j` output, e.g. `{ rule: { family, table, chain, handle, comment, expr } }`. */
export type NftObject = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface NftRule {
  readonly family: NftFamily;
  readonly table: string;
  readonly chain: string;
  readonly handle: number;
  readonly comment?: string;
  readonly expr?: readonly unknown[];
}

/** Applies a batch of nft commands atomically. */
export async function nftApply(script: string): Promise<void> {
  await runTool('nft', ['-f', '-'], script);
}

/** The objects of one table, or undefined when the table does not exist. */
export async function nftListTable(family: NftFamily, table: string): Promise<NftObject[] | undefined> {
  let out: string;
  try {
    out = await runTool('nft', ['-j', 'list', 'table', family, table]);
  } catch (err) {
    if (err instanceof ToolError && /No such file or directory/.test(err.stderr)) return undefined;
    throw err;
  }
  return (JSON.parse(out) as { nftables: NftObject[] }).nftables;
}

/** The rules among listed objects, optionally of one chain. */
export const nftRules = (objects: readonly NftObject[], chain?: string): NftRule[] =>
  objects.flatMap((o) => (o.rule && (chain === undefined || o.rule.chain === chain) ? [o.rule as unknown as NftRule] : []));
