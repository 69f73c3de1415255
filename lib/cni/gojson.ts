// JSON the way Go's json.Marshal writes decoded JSON (map[string]interface{}): compact, object keys
// sorted bytewise at every level, HTML characters escaped. libcni re-marshals every plugin config
// it sends this way, and writes its cache files this way, so our bytes match a Go runtime's.

const IN_ORDER = new WeakSet<object>();

/**
 * Marks an object as a Go struct: printed in its own key order, not sorted. `deep` marks every
 * object under it too (0.x results are structs all the way down; 1.x results marshal through a map).
 */
export function inOrder<T extends object>(value: T, deep = false): T {
  IN_ORDER.add(value);
  if (deep) for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) inOrder(v as object, true);
  return value;
}

export function goMarshal(value: unknown): string {
  return encode(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function encode(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.toWellFormed());
  if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? 'null';
  if (Buffer.isBuffer(v)) return JSON.stringify(v.toString('base64')); // Go's []byte
  if (Array.isArray(v)) return `[${v.map((e) => encode(e)).join(',')}]`;
  const members = Object.entries(v).filter(([, e]) => e !== undefined);
  if (!IN_ORDER.has(v)) members.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${members.map(([k, e]) => `${JSON.stringify(k.toWellFormed())}:${encode(e)}`).join(',')}}`;
}
