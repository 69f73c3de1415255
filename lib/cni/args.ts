// CNI_ARGS: "K=V;K2=V2" decoded into the fields a plugin declares, as the reference's LoadArgs does.
// Keys are matched case-sensitively (they are Go struct field names); values cannot contain '='.
import { invalidEnv } from './errors.ts';
import { goQuote, goQuoteList } from './go.ts';

export type ArgParsers = Readonly<Record<string, (value: string) => unknown>>;

/** Go's UnmarshallableBool: 1/true/0/false in any case. */
export function parseArgBool(value: string): boolean {
  const v = value.toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new Error(`boolean unmarshal error: invalid input ${v}`);
}

/**
 * Parses CNI_ARGS into `{ key: parsed value }` for the declared keys. `IgnoreUnknown` is always
 * understood; unknown keys are an error unless it is true.
 */
export function parseCniArgs(args: string, parsers: ArgParsers): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (args === '') return out;
  const all: ArgParsers = { IgnoreUnknown: parseArgBool, ...parsers };
  const unknown: string[] = [];
  for (const pair of args.split(';')) {
    const kv = pair.split('=');
    if (kv.length !== 2) throw invalidEnv(`ARGS: invalid pair ${goQuote(pair)}`);
    const [key, value] = kv as [string, string];
    const parse = Object.hasOwn(all, key) ? all[key] : undefined;
    if (!parse) {
      unknown.push(pair);
      continue;
    }
    try {
      out[key] = parse(value);
    } catch (err) {
      throw invalidEnv(`ARGS: error parsing value of pair ${goQuote(pair)}: ${(err as Error).message}`);
    }
  }
  if (unknown.length > 0 && out.IgnoreUnknown !== true) throw invalidEnv(`ARGS: unknown args ${goQuoteList(unknown)}`);
  return out;
}
