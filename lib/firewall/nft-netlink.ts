// nftables questions the kernel answers in one nfnetlink request, where an nft process would
// cost milliseconds: whether a table exists at all (on an iptables host, the usual answer is no).
import { attr, str } from '../net/codec.ts';
import { hasCode } from '../net/errors.ts';
import { NETLINK, openSocket } from '../net/socket.ts';
import type { NftFamily } from './nft-listing.ts';

const NFNL_SUBSYS_NFTABLES = 10;
const NFT_MSG_GETTABLE = 1;
const NFTA_TABLE_NAME = 1;
/** NFPROTO_* of each nft family (for ip and ip6 the same numbers as AF_INET and AF_INET6). */
const NFPROTO: Readonly<Record<NftFamily, number>> = { inet: 1, ip: 2, arp: 3, netdev: 5, bridge: 7, ip6: 10 };

export const nftMsgType = (msg: number): number => (NFNL_SUBSYS_NFTABLES << 8) | msg;

/** Whether the table exists in the current network namespace. */
export async function nftTableExists(family: NftFamily, table: string): Promise<boolean> {
  const socket = openSocket(NETLINK.NETFILTER);
  // struct nfgenmsg (family, version 0, resource id 0), then the table's name.
  const body = Buffer.concat([Buffer.from([NFPROTO[family], 0, 0, 0]), attr(NFTA_TABLE_NAME, str(table))]);
  try {
    await socket.request({ type: nftMsgType(NFT_MSG_GETTABLE), flags: 0, body }, `failed to get table ${family} ${table}`);
    return true;
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return false;
    throw err;
  } finally {
    socket.close();
  }
}
