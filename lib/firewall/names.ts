// Names and comments derived from SHA-512, bit-identical to the reference plugins' so that either
// implementation can find and remove what the other made.
import type { Attachment } from '../cni/attachment.ts';
import { bun } from '../native/bun.ts';

// On Bun, its built-in hasher: loading node:crypto there costs 4.5-5 ms, more than any other part
// of a firewall operation but the tool processes. On Node, node:crypto, loaded only when a name is
// needed (it pulls in streams).
export const sha512Hex = (text: string): string =>
  bun
    ? new bun.CryptoHasher('sha512').update(text, 'utf8').digest('hex')
    : process.getBuiltinModule('node:crypto').createHash('sha512').update(text, 'utf8').digest('hex');

const MAX_CHAIN_LENGTH = 28;

/** The reference's FormatChainName family: ("CNI-" + prefix + sha512hex(name + id))[:28]. */
export function chainName(name: string, id: string, prefix = ''): string {
  const head = `CNI-${prefix}`;
  if (head.length >= MAX_CHAIN_LENGTH) throw new RangeError(`chain prefix ${prefix} too long`);
  return (head + sha512Hex(name + id)).slice(0, MAX_CHAIN_LENGTH);
}

/** The reference's FormatComment: name: "<net>" id: "<id>", with Go's %q quoting. */
export const chainComment = (name: string, id: string): string => `name: ${JSON.stringify(name)} id: ${JSON.stringify(id)}`;

const CHAIN_COMMENT = /^(dnat )?name: "(.*)" id: "(.*)"$/;

/** Who a chainComment names, also behind portmap's "dnat " prefix; undefined for any other text. */
export function parseChainComment(text: string): { network: string; containerID: string; dnat: boolean } | undefined {
  const m = CHAIN_COMMENT.exec(text);
  return m ? { network: m[2]!, containerID: m[3]!, dnat: m[1] !== undefined } : undefined;
}

/** First 16 hex characters of SHA-512: the nftables comment hashes. */
export const hash16 = (text: string): string => sha512Hex(text).slice(0, 16);

/** The nftables hash of a network: the prefix of every attachment hash in it. */
export const networkHash = (network: string): string => hash16(network);

/** The nftables identity of one attachment, as the reference's ipMasq comments start: hash16(network)-hash16(ifname:containerID). */
export const attachmentHash = (a: Attachment): string => `${networkHash(a.network)}-${hash16(`${a.ifname}:${a.containerID}`)}`;

const NFT_COMMENT_MAX = 128;
const unquote = (s: string): string => s.replaceAll('"', '');

/** An nftables comment naming one attachment: its hash, then who it is (cut to nft's 128 characters). */
export function attachmentComment(a: Attachment): string {
  const c = `${attachmentHash(a)}, net: ${unquote(a.network)}, if: ${unquote(a.ifname)}, id: ${unquote(a.containerID)}`;
  return c.length > NFT_COMMENT_MAX ? c.slice(0, NFT_COMMENT_MAX) : c;
}

const ATTACHMENT_COMMENT = /^[0-9a-f]{16}-[0-9a-f]{16}, net: (.*), if: (.*), id: (.*)$/;

/** Who an attachmentComment names (as written: quotes dropped, maybe cut short); undefined for any other text. */
export function parseAttachmentComment(text: string): Attachment | undefined {
  const m = ATTACHMENT_COMMENT.exec(text);
  return m ? { network: m[1]!, ifname: m[2]!, containerID: m[3]! } : undefined;
}
