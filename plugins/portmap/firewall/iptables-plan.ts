// The iptables layout of the reference portmap (nat table), computed as data: the shared chains,
// the per-container CNI-DN-<hash> chain and its entry rules in CNI-HOSTPORT-DNAT, rule for rule
// in the reference's order and argument spelling, so that either implementation finds and
// removes what the other made. Pure: no processes, no kernel.
import { COMMENT_MAX_BYTES } from '../../../lib/firewall/iptables-text.ts';
import { chainName } from '../../../lib/firewall/names.ts';
import { conditionsFor, destinationOf, hostPortText, mappingsFor, type ForwardSpec, type PortMapping } from './types.ts';
import type { Attachment } from '../../../lib/cni/attachment.ts';
import type { Family } from '../../../lib/ip/index.ts';

export const TOP_DNAT = 'CNI-HOSTPORT-DNAT';
export const SETMARK = 'CNI-HOSTPORT-SETMARK';
export const MARK_MASQ = 'CNI-HOSTPORT-MASQ';
/** The pre-2017 layout's top-level chain: only ever torn down. */
export const OLD_TOP_SNAT = 'CNI-HOSTPORT-SNAT';

export type Rule = readonly string[];

/** A chain every container shares: created once, never deleted. */
export interface SharedChain {
  readonly name: string;
  readonly rules: readonly Rule[];
  /** Rules elsewhere that jump here (the `-j <name>` is included). */
  readonly entries: readonly { readonly chain: string; readonly rule: Rule; readonly prepend: boolean }[];
}

export interface IptablesPlan {
  /** In creation order: a chain is made before any rule jumps to it. */
  readonly shared: readonly SharedChain[];
  /** CNI-DN-<hash>. */
  readonly chain: string;
  readonly rules: readonly Rule[];
  /** In CNI-HOSTPORT-DNAT, each ending in `-j <chain>`. */
  readonly entryRules: readonly Rule[];
}

export const dnatChainName = (a: Pick<Attachment, 'network' | 'containerID'>): string => chainName(a.network, a.containerID, 'DN-');
export const oldSnatChainName = (a: Pick<Attachment, 'network' | 'containerID'>): string => chainName(a.network, a.containerID, 'SN-');

/** What iptables keeps of a comment; the reference cuts a longer one to 253 bytes and adds "...". */
export function trimComment(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= COMMENT_MAX_BYTES ? text : `${bytes.subarray(0, 253).toString('utf8')}...`;
}

export const entryComment = (a: Pick<Attachment, 'network' | 'containerID'>): string =>
  trimComment(`dnat name: "${a.network}" id: "${a.containerID}"`);

/** Go's "%#x/%#x" of 1 << bit. */
export const markText = (bit: number): string => {
  const v = `0x${(2 ** bit).toString(16)}`;
  return `${v}/${v}`;
};

export function sharedChains(spec: Pick<ForwardSpec, 'options'>): SharedChain[] {
  const out: SharedChain[] = [];
  const o = spec.options;
  if (o.snat && o.externalSetMarkChain === undefined) {
    const mark = markText(o.markMasqBit);
    out.push({
      name: SETMARK,
      rules: [['-m', 'comment', '--comment', 'CNI portfwd masquerade mark', '-j', 'MARK', '--set-xmark', mark]],
      entries: [],
    });
    out.push({
      name: MARK_MASQ,
      rules: [['-m', 'mark', '--mark', mark, '-j', 'MASQUERADE']],
      // First in POSTROUTING, or the bridge and ptp masquerade rules would win.
      entries: [{ chain: 'POSTROUTING', rule: ['-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', MARK_MASQ], prepend: true }],
    });
  }
  const local = ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', TOP_DNAT];
  out.push({ name: TOP_DNAT, rules: [], entries: ['PREROUTING', 'OUTPUT'].map((chain) => ({ chain, rule: local, prepend: false })) });
  return out;
}

/** multiport takes at most 15 ports a rule. */
function splitPorts(ports: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ports.length; i += 15) out.push(ports.slice(i, i + 15).join(','));
  return out;
}

/** One entry rule per protocol (sorted) per 15 host ports (in order, every family's mappings counted). */
export function entryRules(spec: Omit<ForwardSpec, 'ip'>, family: Family, chain: string): Rule[] {
  const byProto = new Map<string, number[]>();
  for (const m of spec.mappings) byProto.set(m.protocol, [...(byProto.get(m.protocol) ?? []), m.hostPort]);
  const comment = entryComment(spec.attachment);
  const conditions = conditionsFor(spec.options, family);
  return [...byProto.keys()].sort().flatMap((proto) =>
    splitPorts(byProto.get(proto)!).map((ports) => [
      '-m', 'comment', '--comment', comment, '-m', 'multiport', '-p', proto, '--destination-ports', ports, ...conditions, '-j', chain,
    ]),
  );
}

function mappingRules(spec: ForwardSpec, m: PortMapping): Rule[] {
  const { options: o, ip } = spec;
  const dst = destinationOf(m);
  const base = ['-p', m.protocol, '--dport', String(m.hostPort), ...(dst !== undefined ? ['-d', dst] : [])];
  const setMark = o.externalSetMarkChain ?? SETMARK;
  const out: Rule[] = [];
  if (o.snat) {
    // Hairpin: the iptables layout matches the container's whole subnet, as given in the result.
    const src = o.masqAll ? (ip.family === 6 ? '::/0' : '0.0.0.0/0') : ip.cidr;
    out.push([...base, '-s', src, '-j', setMark]);
    if (ip.family === 4 && !o.masqAll) out.push([...base, '-s', '127.0.0.1', '-j', setMark]);
  }
  out.push([...base, '-j', 'DNAT', '--to-destination', hostPortText(ip, m.containerPort)]);
  return out;
}

/** An identical rule is added once, as the reference's InsertUnique does. */
function unique(rules: Rule[]): Rule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const k = r.join('\0');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function planIptables(spec: ForwardSpec): IptablesPlan {
  const chain = dnatChainName(spec.attachment);
  return {
    shared: sharedChains(spec),
    chain,
    rules: unique(mappingsFor(spec.mappings, spec.ip.family).flatMap((m) => mappingRules(spec, m))),
    entryRules: unique(entryRules(spec, spec.ip.family, chain)),
  };
}
