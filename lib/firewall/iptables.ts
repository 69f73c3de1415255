// iptables through its save/restore tools: one iptables-restore per change, one iptables-save
// per listing, whatever the number of rules.
import type { Family } from '../ip/index.ts';
import { runTool } from './run.ts';

const tool = (family: Family, kind: 'save' | 'restore'): string => `${family === 6 ? 'ip6tables' : 'iptables'}-${kind}`;

/** One table as iptables-save prints it: every chain (built-in or not) and its rules, in order. */
export interface IptablesTable {
  /** Chain name to its rules, each rule as the arguments after `-A <chain> `. */
  readonly chains: ReadonlyMap<string, readonly string[]>;
}

export function parseIptablesSave(text: string): IptablesTable {
  const chains = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) {
      chains.set(line.slice(1).split(' ')[0]!, []);
    } else if (line.startsWith('-A ')) {
      const rest = line.slice(3);
      const space = rest.indexOf(' ');
      const chain = space < 0 ? rest : rest.slice(0, space);
      const rules = chains.get(chain) ?? [];
      rules.push(space < 0 ? '' : rest.slice(space + 1));
      chains.set(chain, rules);
    }
  }
  return { chains };
}

/** Lists one table (`nat`, `filter`, ...) of one family. */
export async function iptablesSave(family: Family, table: string): Promise<IptablesTable> {
  return parseIptablesSave(await runTool(tool(family, 'save'), ['-t', table]));
}

/**
 * Applies a restore script (`*table`, `:CHAIN - [0:0]`, `-A/-I/-D ...`, `COMMIT`) atomically without
 * flushing the tables it names. Beware: declaring an existing chain flushes that chain.
 */
export async function iptablesRestore(family: Family, script: string): Promise<void> {
  await runTool(tool(family, 'restore'), ['-w', '--noflush'], script);
}
