// Go behaviour that users of the reference can see and that we must match: how encoding/json
// pairs object keys with struct fields, and how fmt prints strings and lists in error messages
// (users grep for those). Go's JSON syntax-error wording is a scanner of its own (gosyntax.ts).

/**
 * encoding/json's key fold: each character as upper(lower(c)), so "ſ" matches "s" and the Kelvin
 * sign matches "k". A character whose JS case mapping is not one character (Go's is) stays as is.
 */
export const goFold = (key: string): string =>
  // ASCII, nearly every key: upper(lower(c)) is upper(c), without a string per character.
  /^[\x00-\x7f]*$/.test(key)
    ? key.toUpperCase()
    : Array.from(key, (c) => {
        const f = c.toLowerCase().toUpperCase();
        return f.length === c.length ? f : c;
      }).join('');

/**
 * Fields of a JSON object as encoding/json fills struct fields: keys match by goFold, the last
 * non-null match wins. A field is null when every match is null (a plain field ignores it, a type
 * with its own decoder sees it); absent when no key matches or `obj` is not an object. One pass
 * over the object's keys, each folded once, whatever the number of fields.
 */
export function goFields<N extends string>(obj: unknown, names: readonly N[]): Partial<Record<N, unknown>> {
  const out: Partial<Record<N, unknown>> = {};
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return out;
  const byFold = new Map<string, N>();
  for (const n of names) byFold.set(goFold(n), n);
  for (const k of Object.keys(obj)) {
    const name = byFold.get(goFold(k));
    if (name === undefined) continue;
    const v = (obj as Record<string, unknown>)[k];
    if (v !== null || out[name] === undefined) out[name] = v;
  }
  return out;
}

/** One field, as goFields finds it. */
export const goField = (obj: unknown, name: string): unknown => goFields(obj, [name])[name];

/** Go's strconv.Quote for printable text: JSON escaping is the same for everything we print. */
export const goQuote = (s: string): string => JSON.stringify(s);

/** fmt's %q of a []string: ["a" "b"]. */
export const goQuoteList = (items: readonly string[]): string => `[${items.map(goQuote).join(' ')}]`;

/** fmt's %s or %v of a []string: [a b]. */
export const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;
