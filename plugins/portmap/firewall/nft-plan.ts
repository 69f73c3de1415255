// The nftables layout, as `nft -f` text. The reference's skeleton is kept exactly (tables
// `ip|ip6 cni_hostport` with its comment, chains hostip_hostports, hostports, hostports_all,
// masquerading, and prerouting/output jumping on `fib daddr type local`), so a host can move
// between the two implementations. What differs is how one attachment's mappings are stored:
//
//  - each attachment gets a chain `dn-<instance>` holding its DNAT rules (with its network's
//    conditions, so conditions never leak to other networks) and, with snat, `masq-<instance>`;
//    <instance> is hash16(network)-hash16(ifname:containerID), so identity is per network,
//    container and interface;
//  - verdict maps send a packet to the owning chain in one lookup: by protocol . port, by
//    address . protocol . port (a hostIP mapping, looked up first), and for masquerading by
//    container address. ADD and DEL touch only their own chains and elements, so their cost
//    does not depend on how many containers are mapped, and neither does the packet path.
//
// A key (a host port, a container address) belongs to the last attachment that mapped it, as
// in the reference; a DEL removes only elements that still point at its own chains (the
// executor reads them first). Pure: text only.
import { attachmentComment, attachmentHash } from '../../../lib/firewall/names.ts';
import { conditionsFor, destinationOf, hostPortText, mappingsFor, type ContainerIP, type ForwardSpec, type PortMapping } from './types.ts';
import type { Attachment } from '../../../lib/cni/attachment.ts';
import type { Family } from '../../../lib/ip/index.ts';

export const NFT_TABLE = 'cni_hostport';
export const PORTS_MAP = 'hostports_vmap';
export const HOSTIP_PORTS_MAP = 'hostip_hostports_vmap';
export const MASQ_MAP = 'masquerading_vmap';
/** Our own postrouting hook: the reference's `masquerading` holds its per-container rules, which we must not flush. */
export const MASQ_LOOKUP_CHAIN = 'masquerading_lookup';

export type NftTableFamily = 'ip' | 'ip6';
export const tableFamily = (family: Family): NftTableFamily => (family === 6 ? 'ip6' : 'ip');
const addrType = (family: Family): string => (family === 6 ? 'ipv6_addr' : 'ipv4_addr');

export const dnChain = (a: Attachment): string => `dn-${attachmentHash(a)}`;
export const masqChain = (a: Attachment): string => `masq-${attachmentHash(a)}`;

/** A verdict-map key, as nft text and as the map it belongs to. */
export interface MapKey {
  readonly map: string;
  readonly text: string;
}

export function dnatKey(m: PortMapping): MapKey {
  const dst = destinationOf(m);
  return dst !== undefined
    ? { map: HOSTIP_PORTS_MAP, text: `${dst} . ${m.protocol} . ${m.hostPort}` }
    : { map: PORTS_MAP, text: `${m.protocol} . ${m.hostPort}` };
}

export interface NftKeys {
  /** Keys whose value is `goto dn-…`, deduplicated. */
  readonly dnat: readonly MapKey[];
  /** The masquerade key (the container address), when snat is on. */
  readonly masq?: MapKey;
}

/** The keys of `family`; the masquerade key needs the container address, which a DEL may not know. */
function keysOf(spec: Omit<ForwardSpec, 'ip'>, family: Family, ip?: ContainerIP): NftKeys {
  const seen = new Map<string, MapKey>();
  for (const m of mappingsFor(spec.mappings, family)) {
    const k = dnatKey(m);
    seen.set(`${k.map} ${k.text}`, k);
  }
  return { dnat: [...seen.values()], ...(spec.options.snat && ip && { masq: { map: MASQ_MAP, text: ip.address } }) };
}

/** The reference's skeleton plus our maps and lookups; every line is idempotent. */
export function skeleton(family: Family, snat: boolean): string[] {
  const T = `${tableFamily(family)} ${NFT_TABLE}`;
  const ip = tableFamily(family);
  const lines = [
    `add table ${T} { comment "CNI portmap plugin" ; }`,
    `add chain ${T} hostports`,
    `add chain ${T} hostip_hostports`,
    `add chain ${T} hostports_all`,
    `add map ${T} ${PORTS_MAP} { type inet_proto . inet_service : verdict ; }`,
    `add map ${T} ${HOSTIP_PORTS_MAP} { type ${addrType(family)} . inet_proto . inet_service : verdict ; }`,
    `flush chain ${T} hostports_all`,
    `add rule ${T} hostports_all jump hostip_hostports`,
    `add rule ${T} hostports_all jump hostports`,
    `add rule ${T} hostports_all ${ip} daddr . meta l4proto . th dport vmap @${HOSTIP_PORTS_MAP}`,
    `add rule ${T} hostports_all meta l4proto . th dport vmap @${PORTS_MAP}`,
    `add chain ${T} prerouting { type nat hook prerouting priority -100 ; }`,
    `flush chain ${T} prerouting`,
    `add rule ${T} prerouting fib daddr type local jump hostports_all`,
    `add chain ${T} output { type nat hook output priority -100 ; }`,
    `flush chain ${T} output`,
    `add rule ${T} output fib daddr type local jump hostports_all`,
  ];
  if (snat) {
    lines.push(
      `add chain ${T} masquerading { type nat hook postrouting priority 100 ; }`,
      `add map ${T} ${MASQ_MAP} { type ${addrType(family)} : verdict ; }`,
      `add chain ${T} ${MASQ_LOOKUP_CHAIN} { type nat hook postrouting priority 100 ; }`,
      `flush chain ${T} ${MASQ_LOOKUP_CHAIN}`,
      `add rule ${T} ${MASQ_LOOKUP_CHAIN} ${ip} daddr vmap @${MASQ_MAP}`,
    );
  }
  return lines;
}

function dnatRule(spec: ForwardSpec, m: PortMapping): string {
  const ip = tableFamily(spec.ip.family);
  const dst = destinationOf(m);
  return [
    ...conditionsFor(spec.options, spec.ip.family),
    ...(dst !== undefined ? [`${ip} daddr ${dst}`] : []),
    `${m.protocol} dport ${m.hostPort}`,
    `dnat to ${hostPortText(spec.ip, m.containerPort)}`,
  ].join(' ');
}

function masqRules(spec: ForwardSpec): string[] {
  const ip = tableFamily(spec.ip.family);
  if (spec.options.masqAll) return ['masquerade'];
  return [`${ip} saddr ${spec.ip.address} masquerade`, ...(spec.ip.family === 4 ? [`${ip} saddr 127.0.0.1 masquerade`] : [])];
}

/** What the executor learnt about the keys this attachment wants: the chain each points to now. */
export type Owners = ReadonlyMap<string, string | undefined>;
export const ownerKey = (k: MapKey): string => `${k.map} ${k.text}`;

/**
 * The ADD batch: skeleton, this attachment's chains flushed and refilled, and its keys pointed
 * at them. A key now held by another chain is deleted first (last ADD wins); `owners` says
 * which (an empty map when nothing is known: then keys are only added, which fails on a key
 * held elsewhere and makes the executor read the owners and retry).
 */
export function planNftAdd(spec: ForwardSpec, owners: Owners = new Map()): string {
  const a = spec.attachment;
  const T = `${tableFamily(spec.ip.family)} ${NFT_TABLE}`;
  const keys = keysOf(spec, spec.ip.family, spec.ip);
  const comment = attachmentComment(a);
  const dn = dnChain(a);
  const lines = skeleton(spec.ip.family, spec.options.snat);
  const point = (k: MapKey, chain: string): void => {
    const owner = owners.get(ownerKey(k));
    if (owner === chain) return;
    if (owner !== undefined) lines.push(`delete element ${T} ${k.map} { ${k.text} }`);
    lines.push(`add element ${T} ${k.map} { ${k.text} : goto ${chain} }`);
  };
  lines.push(`add chain ${T} ${dn} { comment "${comment}" ; }`, `flush chain ${T} ${dn}`);
  for (const m of mappingsFor(spec.mappings, spec.ip.family)) lines.push(`add rule ${T} ${dn} ${dnatRule(spec, m)}`);
  for (const k of keys.dnat) point(k, dn);
  if (keys.masq) {
    const mc = masqChain(a);
    lines.push(`add chain ${T} ${mc} { comment "${comment}" ; }`, `flush chain ${T} ${mc}`);
    for (const r of masqRules(spec)) lines.push(`add rule ${T} ${mc} ${r}`);
    point(keys.masq, mc);
  }
  return `${lines.join('\n')}\n`;
}

/** Elements of any map and whether the attachment's chains exist: what a DEL works from. */
export interface NftAttachmentState {
  /** Keys (per map) that point at this attachment's chains. */
  readonly elements: readonly MapKey[];
  readonly chains: readonly string[];
}

/** The DEL batch: this attachment's elements, then its chains. Undefined when nothing is left. */
export function planNftDel(family: Family, state: NftAttachmentState): string | undefined {
  const T = `${tableFamily(family)} ${NFT_TABLE}`;
  const lines = [
    ...state.elements.map((k) => `delete element ${T} ${k.map} { ${k.text} }`),
    ...state.chains.flatMap((c) => [`flush chain ${T} ${c}`, `delete chain ${T} ${c}`]),
  ];
  return lines.length > 0 ? `${lines.join('\n')}\n` : undefined;
}

/** The keys the attachment would own in `family`, as a DEL or CHECK knows them without a listing. */
export function expectedKeys(spec: Omit<ForwardSpec, 'ip'>, family: Family, ip?: ContainerIP): MapKey[] {
  const k = keysOf(spec, family, ip);
  return [...k.dnat, ...(k.masq ? [k.masq] : [])];
}

/** The rules ADD writes into `dn-…` and `masq-…` (CHECK counts them). */
export function expectedRules(spec: ForwardSpec): { dn: string[]; masq: string[] } {
  return {
    dn: mappingsFor(spec.mappings, spec.ip.family).map((m) => dnatRule(spec, m)),
    masq: spec.options.snat ? masqRules(spec) : [],
  };
}
