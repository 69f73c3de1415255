// What `nft -j list` gives back, and the rules and chains read out of it. Pure, so that the rule
// planners can work from a listing without importing the tool runner.

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

/** The rules among listed objects, optionally of one chain. */
export const nftRules = (objects: readonly NftObject[], chain?: string): NftRule[] =>
  objects.flatMap((o) => (o.rule && (chain === undefined || o.rule.chain === chain) ? [o.rule as unknown as NftRule] : []));

/** The names of the listed chains. */
export const nftChainNames = (objects: readonly NftObject[]): string[] =>
  objects.flatMap((o) => (o.chain && typeof o.chain.name === 'string' ? [o.chain.name] : []));
