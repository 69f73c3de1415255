// Output bytes exactly as the reference prints them: Go's json.MarshalIndent with a 4-space
// indent and no trailing newline (skel writes the bytes as they are).

import { resultToWire } from './convert.ts';
import type { Result } from './result.ts';
import { resultFormatOf, type SpecVersion } from './version.ts';

/**
 * JSON with Go's MarshalIndent layout and escaping. `sortKeys` sorts object keys at every
 * level, as Go does for maps; otherwise keys keep insertion order (Go struct field order).
 * Like JSON.stringify: `toJSON()` is honoured, undefined object members are left out.
 */
export function formatJSON(value: unknown, sortKeys: boolean): string {
  return encode(value, sortKeys, '') ?? 'null';
}

/** The result in `toVersion`'s wire form, printed the way that version's Go type prints itself. */
export function formatResult(result: Result, toVersion: SpecVersion): string {
  // 1.x results are marshalled through a map[string]interface{} (to drop an empty dns), so their
  // keys come out sorted at every level; 0.x results print in struct order.
  return formatJSON(resultToWire(result, toVersion), resultFormatOf(toVersion) === '100');
}

function encode(v: unknown, sortKeys: boolean, pad: string): string | undefined {
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON(): unknown }).toJSON();
  }
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      // For integers and the usual floats, JS and Go print numbers alike ("1e+21", "1e-7").
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'object':
      break;
    default:
      return undefined; // undefined, functions, symbols
  }
  if (v === null) return 'null';
  const inner = pad + '    ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((e) => inner + (encode(e, sortKeys, inner) ?? 'null')).join(',\n')}\n${pad}]`;
  }
  const members: [string, string][] = [];
  for (const [k, e] of Object.entries(v)) {
    const s = encode(e, sortKeys, inner);
    if (s !== undefined) members.push([k, s]);
  }
  if (members.length === 0) return '{}';
  // Go sorts map keys bytewise; for keys without astral characters that is UTF-16 order too.
  if (sortKeys) members.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{\n${members.map(([k, s]) => `${inner}${quote(k)}: ${s}`).join(',\n')}\n${pad}}`;
}

/**
 * A JSON string as Go's encoder writes it with HTML escaping on (json.Marshal's default):
 * <, > and & become \u003c, \u003e, \u0026, and U+2028/U+2029 are escaped. Control characters
 * are escaped as JSON.stringify does, which matches Go 1.22+ (\b and \f short forms). A lone
 * surrogate becomes U+FFFD, the character Go's decoder would have put there.
 */
function quote(s: string): string {
  return JSON.stringify(s.toWellFormed()).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
