// conditionsV4/V6 go verbatim into a tool's input: as arguments of an iptables-restore rule line
// (iptables-plan.ts) or as words of an nft rule (nft-plan.ts). A token the tool refuses fails the
// whole batch only after route_localnet is set, and a token it accepts can change what the rule
// does. So each token is checked up front against a grammar small enough to be sure of:
//
// iptables: a token starting with '-' is an option name (`-s`, `--ctstate`, `--dport=80`), never
// `--` alone (getopt's end of options) and never one that adds a second command, table, target
// or protocol to the rule (`-A`, `-t`, `-j`, `-g`, `-p`, ...). Any other token is a value: printable
// ASCII without quotes or backslashes (ruleText quotes spaces, but cannot carry those through).
//
// nft: words of printable ASCII without what ends or escapes a rule in a batch (`;`, `#`, quotes,
// backslash, `$` variables, newlines), braces balanced, and no verdict word, which would end the
// rule before its dnat.
import { invalidConfig } from '../../lib/cni/errors.ts';
import { conditionsBackend } from './config.ts';
import type { PortmapOptions } from './firewall/types.ts';

const IPTABLES_OPTION = /^(-[A-Za-z0-9]|--[A-Za-z0-9][A-Za-z0-9_-]*)(=[\x20-\x7e]*)?$/;
const IPTABLES_REFUSED = new Set([
  ...['-A', '--append', '-C', '--check', '-D', '--delete', '-I', '--insert', '-R', '--replace', '-L', '--list', '-S', '--list-rules'],
  ...['-F', '--flush', '-Z', '--zero', '-N', '--new-chain', '-X', '--delete-chain', '-P', '--policy', '-E', '--rename-chain'],
  ...['-t', '--table', '-j', '--jump', '-g', '--goto', '-p', '--protocol'],
]);
const IPTABLES_VALUE = /^[\x20-\x7e]+$/;
const IPTABLES_UNQUOTABLE = /["'\\]/;

const NFT_WORDS = /^[\x20-\x7e]+$/;
const NFT_UNSAFE = /[;#"'\\$`]/;
const NFT_VERDICTS = new Set(['accept', 'drop', 'reject', 'queue', 'continue', 'return', 'jump', 'goto']);

function iptablesProblem(token: string): string | undefined {
  if (token.startsWith('-')) {
    const name = IPTABLES_OPTION.exec(token)?.[1];
    if (name === undefined) return 'is not an option name';
    if (IPTABLES_REFUSED.has(name)) return 'is an option portmap sets itself';
    if (!token.includes('=')) return undefined;
  }
  if (token === '' || !IPTABLES_VALUE.test(token) || IPTABLES_UNQUOTABLE.test(token)) return 'is not a plain word';
  return undefined;
}

function nftProblem(tokens: readonly string[]): { token: string; why: string } | undefined {
  let depth = 0;
  for (const token of tokens) {
    if (!NFT_WORDS.test(token) || NFT_UNSAFE.test(token)) return { token, why: 'is not a plain word' };
    for (const word of token.split(' ')) if (NFT_VERDICTS.has(word)) return { token, why: 'is a verdict' };
    for (const c of token) {
      depth += c === '{' ? 1 : c === '}' ? -1 : 0;
      if (depth < 0) return { token, why: 'closes a brace never opened' };
    }
  }
  return depth === 0 ? undefined : { token: tokens.at(-1)!, why: 'leaves a brace open' };
}

function iptablesTokensProblem(tokens: readonly string[]): { token: string; why: string } | undefined {
  for (const token of tokens) {
    const why = iptablesProblem(token);
    if (why !== undefined) return { token, why };
  }
  return undefined;
}

/** Throws code 7 naming the field and the token a firewall tool would refuse or misread. */
export function checkConditions(options: PortmapOptions): void {
  for (const field of ['conditionsV4', 'conditionsV6'] as const) {
    const tokens = options[field];
    if (tokens === undefined || tokens.length === 0) continue;
    const bad = conditionsBackend(tokens) === 'iptables' ? iptablesTokensProblem(tokens) : nftProblem(tokens);
    if (bad !== undefined) throw invalidConfig(`invalid ${field}: ${JSON.stringify(bad.token)} ${bad.why}`);
  }
}
