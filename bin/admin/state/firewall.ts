// The per-attachment firewall state of this network namespace, read back from the comments the
// plugins put on it (the reference's formats, lib/firewall/names.ts): iptables rules commented
// `name: "<net>" id: "<id>"` (masquerade) or `dnat name: ...` (port mapping) in the nat tables,
// nftables chains and rules commented `<hash>, net: <net>, if: <ifname>, id: <id>`.
import { spawnSync } from 'node:child_process';
import { ruleTokens } from '../../../lib/firewall/iptables-text.ts';
import { parseAttachmentComment, parseChainComment } from '../../../lib/firewall/names.ts';

export interface FirewallObject {
  readonly backend: 'iptables' | 'nftables';
  /** What it is, as a person would look it up: "iptables nat chain CNI-DN-...". */
  readonly what: string;
  readonly network: string;
  readonly containerID: string;
  /** Only nftables comments name the interface. */
  readonly ifname?: string;
}

const output = (cmd: string, args: readonly string[]): string | undefined => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : undefined;
};

/** The commented jumps of an iptables-save listing: each names the attachment's own chain. */
export function iptablesObjects(save: string, tool: string): FirewallObject[] {
  return save.split('\n').flatMap((line) => {
    if (!line.startsWith('-A ')) return [];
    const t = ruleTokens(line);
    const comment = t[t.indexOf('--comment') + 1];
    const target = t[t.indexOf('-j') + 1];
    const m = t.includes('--comment') && comment ? parseChainComment(comment) : undefined;
    if (!m || !target?.startsWith('CNI-')) return [];
    return [{ backend: 'iptables', what: `${tool} nat chain ${target} (${m.dnat ? 'port mapping' : 'masquerade'})`, network: m.network, containerID: m.containerID }];
  });
}

/**
 * The commented chains and rules of `nft -a list ruleset`. Its text, not `nft -j`: the JSON
 * listing leaves out chain comments, and portmap's per-attachment chains carry theirs there.
 */
export function nftObjects(listing: string): FirewallObject[] {
  let table = '';
  let chain: string | undefined;
  return listing.split('\n').flatMap((line) => {
    const t = /^table (\S+ \S+) \{/.exec(line);
    if (t) table = t[1]!;
    const c = /^\tchain (\S+) \{/.exec(line);
    if (c) chain = c[1]!;
    if (line === '\t}') chain = undefined;
    const quoted = chain === undefined ? undefined : /"(.*)"/.exec(line)?.[1];
    const m = quoted === undefined ? undefined : parseAttachmentComment(quoted);
    if (!m) return [];
    const handle = /# handle (\d+)$/.exec(line)?.[1];
    const what = line.startsWith('\t\tcomment ') ? `nft ${table} chain ${chain}` : `nft ${table} ${chain} rule${handle ? ` handle ${handle}` : ''}`;
    return [{ backend: 'nftables', what, network: m.network, ifname: m.ifname, containerID: m.containerID }];
  });
}

/** Every per-attachment firewall object of both backends; a tool that is missing or fails shows none. */
export function firewallObjects(): FirewallObject[] {

  return [
    ...(['iptables-save', 'ip6tables-save'] as const).flatMap((tool) => iptablesObjects(output(tool, ['-t', 'nat']) ?? '', tool.replace('-save', ''))),
    ...nftObjects(output('nft', ['-a', 'list', 'ruleset']) ?? ''),
  ];
}
