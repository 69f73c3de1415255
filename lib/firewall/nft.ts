// nftables through the nft tool: one `nft -f -` per change (text syntax: nft cannot read JSON from
// the socket Node gives a child as stdin), `nft -j list` to read back.
import type { NftFamily, NftObject } from './nft-listing.ts';
import { nftTableExists } from './nft-netlink.ts';
import { runTool, ToolError } from './run.ts';

/** Applies a batch of nft commands atomically. */
export async function nftApply(script: string): Promise<void> {
  await runTool('nft', ['-f', '-'], script);
}

/** The objects of one table, or undefined when the table does not exist. */
export async function nftListTable(family: NftFamily, table: string): Promise<NftObject[] | undefined> {
  // Often absent (no nft user on an iptables host, e.g. at every ipMasq DEL): then one netlink
  // request answers instead of an nft process.
  if (!(await nftTableExists(family, table))) return undefined;
  let out: string;
  try {
    out = await runTool('nft', ['-j', 'list', 'table', family, table]);
  } catch (err) {
    if (err instanceof ToolError && /No such file or directory/.test(err.stderr)) return undefined;
    throw err;
  }
  return (JSON.parse(out) as { nftables: NftObject[] }).nftables;
}
