// A rule's arguments as iptables-save prints them and iptables-restore reads them back. Planners
// compare listed rules with planned ones and write restore scripts in this form, so both
// directions live here, apart from the executor that runs the tools.

/** The most bytes of a `--comment` iptables keeps: a longer one makes iptables-restore fail. */
export const COMMENT_MAX_BYTES = 255;

/** One argument as iptables-restore reads it: double quotes, with \ and " escaped, when needed. */
const quoteArg = (a: string): string => (a !== '' && /^[^\s"'\\]+$/.test(a) ? a : `"${a.replace(/[\\"]/g, (c) => `\\${c}`)}"`);

/** A rule as its arguments appear after `-A <chain> ` in a restore script or an iptables-save listing. */
export const ruleText = (args: readonly string[]): string => args.map(quoteArg).join(' ');

/** Splits a listed rule into arguments, undoing its double-quote and backslash escapes. */
export function ruleTokens(rule: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quoted = false;
  for (let i = 0; i < rule.length; i++) {
    const c = rule[i]!;
    if (c === '\\' && i + 1 < rule.length) {
      cur += rule[++i];
      inToken = true;
    } else if (c === '"') {
      quoted = !quoted;
      inToken = true;
    } else if (c === ' ' && !quoted) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (inToken) out.push(cur);
  return out;
}
