// Reading a few nftables objects straight from the kernel (nfnetlink), without an nft process:
// whether a chain exists, and which chain a verdict-map element points to. Each is one
// non-dump request, so a DEL's reads cost the same with one container mapped or thousands.
import type { Family } from '../../../lib/ip/index.ts';
import { parseIP } from '../../../lib/ip/index.ts';
import { ipBytes } from '../../../lib/net/addr.ts';
import { F, IPPROTO, NLA_F_NESTED, attr, nfgenmsg, parseAttrs, readStr, str } from '../../../lib/net/codec.ts';
import { hasCode } from '../../../lib/net/errors.ts';
import { NETLINK, openSocket, type RtSocket } from '../../../lib/net/socket.ts';
import { nftMsgType as msgType } from '../../../lib/firewall/nft-netlink.ts';
import type { MapKey } from './nft-plan.ts';

const NFT_MSG_GETCHAIN = 4;
const NFT_MSG_GETSETELEM = 13;
const NFT_MSG_GETRULE = 7;
const NFT_GOTO = -4;
const NFT_JUMP = -3;

const nested = (type: number, ...data: Buffer[]): Buffer => attr(type | NLA_F_NESTED, ...data);

/** The key's bytes as the kernel stores them: each concatenated field padded to 4 bytes. */
export function keyBytes(k: MapKey): Buffer {
  return Buffer.concat(
    k.text.split(' . ').map((field) => {
      const proto = (IPPROTO as Readonly<Record<string, number>>)[field];
      if (proto !== undefined) return Buffer.from([proto, 0, 0, 0]);
      if (/^\d+$/.test(field)) {
        const b = Buffer.alloc(4);
        b.writeUInt16BE(Number(field), 0);
        return b;
      }
      const ip = parseIP(field);
      if (ip === undefined) throw new Error(`cannot encode map key field ${field}`);
      return ipBytes(ip);
    }),
  );
}

export class NftReader {
  readonly #socket: RtSocket;
  readonly #family: Family;
  readonly #table: string;

  constructor(socket: RtSocket, family: Family, table: string) {
    this.#socket = socket;
    this.#family = family;
    this.#table = table;
  }

  async chainExists(chain: string): Promise<boolean> {
    const body = Buffer.concat([nfgenmsg(this.#family), attr(1, str(this.#table)), attr(3, str(chain))]);
    try {
      await this.#socket.request({ type: msgType(NFT_MSG_GETCHAIN), flags: 0, body }, `failed to get chain ${chain}`);
      return true;
    } catch (err) {
      if (hasCode(err, 'ENOENT')) return false;
      throw err;
    }
  }

  /** How many rules the chain holds (a dump of that chain only); undefined when it is absent. */
  async ruleCount(chain: string): Promise<number | undefined> {
    if (!(await this.chainExists(chain))) return undefined;
    const body = Buffer.concat([nfgenmsg(this.#family), attr(1, str(this.#table)), attr(2, str(chain))]);
    const parts = await this.#socket.request({ type: msgType(NFT_MSG_GETRULE), flags: F.DUMP, body }, `failed to list chain ${chain}`);
    return parts.length;
  }

  /** The chain a `goto`/`jump` element points to; undefined when the table, map or key is absent. */
  async elementTarget(k: MapKey): Promise<string | undefined> {
    const elem = nested(1, nested(1, attr(1, keyBytes(k))));
    const body = Buffer.concat([nfgenmsg(this.#family), attr(1, str(this.#table)), attr(2, str(k.map)), nested(3, elem)]);
    let parts: Buffer[];
    try {
      parts = await this.#socket.request({ type: msgType(NFT_MSG_GETSETELEM), flags: 0, body }, `failed to get element ${k.text} of ${k.map}`);
    } catch (err) {
      if (hasCode(err, 'ENOENT')) return undefined;
      throw err;
    }
    for (const part of parts) {
      const list = parseAttrs(part, 4).get(3);
      const first = list && parseAttrs(list).get(1);
      const data = first && parseAttrs(first).get(2);
      const verdict = data && parseAttrs(data).get(2);
      if (!verdict) continue;
      const v = parseAttrs(verdict);
      const code = v.get(1);
      const chain = v.get(2);
      if (code && chain && [NFT_GOTO, NFT_JUMP].includes(code.readInt32BE(0))) return readStr(chain);
    }
    return undefined;
  }
}

/** Opens an nfnetlink socket in the current namespace. */
export function openNftReader(family: Family, table: string): { reader: NftReader; close(): void } {
  const socket = openSocket(NETLINK.NETFILTER);
  return { reader: new NftReader(socket, family, table), close: () => socket.close() };
}

