// Go's encoding/json matches object keys to struct fields by its fold (an exact match first),
// leaves a field at its default when the value is null, and keeps map keys as they are.
// This rewrites a parsed JSON value into that shape, guided by the schema the validator uses, and
// refuses what the validator cannot see: a whole number written as 80.0 or 1e3 for an int field,
// and one past Go's int64, which JSON.parse reads as a double without complaint.
import { goFold } from '../cni/go.ts';
import { fractionAt } from '../cni/gosyntax.ts';

export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
  readonly $ref?: string;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

/** A number Go's int field refuses; `path` holds the keys and indexes down to it. */
export class NotGoIntError extends Error {
  readonly path: readonly string[];
  readonly source: string;
  readonly tooLarge: boolean;
  constructor(path: readonly string[], source: string, tooLarge: boolean) {
    super(`${source} is not ${tooLarge ? 'a 64-bit' : 'an'} integer`);
    this.path = path;
    this.source = source;
    this.tooLarge = tooLarge;
  }
}

const INT64_LIMIT = 2 ** 63;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolve(node: SchemaNode, root: SchemaNode): SchemaNode {
  const ref = node.$ref;
  if (!ref) return node;
  const name = ref.replace(/^#\/definitions\//, '');
  const target = root.definitions?.[name];
  if (!target) throw new Error(`schema reference ${ref} not found`);
  return resolve(target, root);
}

function fieldFor(key: string, props: Readonly<Record<string, SchemaNode>>, folded: ReadonlyMap<string, string>): string | undefined {
  return Object.hasOwn(props, key) ? key : folded.get(goFold(key));
}

const isInteger = (node: SchemaNode): boolean => (Array.isArray(node.type) ? node.type.includes('integer') : node.type === 'integer');

/** A value that a later key of the same field replaced: Go decoded it too, and refuses a wrong type in it. */
export interface Shadowed {
  readonly path: readonly string[];
  readonly value: unknown;
}

/**
 * Returns a copy of `value` with struct keys renamed to the schema's spelling and null fields
 * dropped; values replaced by a later case-variant key go to `shadowed`.
 */
export function foldKeys(value: unknown, schema: SchemaNode, root: SchemaNode = schema, path: string[] = [], shadowed: Shadowed[] = []): unknown {
  const node = resolve(schema, root);
  if (Array.isArray(value)) {
    const items = node.items;
    return items ? value.map((v, i) => foldMember(value, String(i), String(i), v, items, root, path, shadowed)) : value;
  }
  if (!isObject(value)) return value;
  const props = node.properties;
  const extra = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  if (!props) {
    if (!extra) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, foldMember(value, k, k, v, extra, root, path, shadowed)]));
  }
  const folded = new Map<string, string>();
  for (const name of Object.keys(props)) if (!folded.has(goFold(name))) folded.set(goFold(name), name);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const field = fieldFor(key, props, folded);
    if (field === undefined) {
      out[key] = extra ? foldMember(value, key, key, v, extra, root, path, shadowed) : v;
      continue;
    }
    // Go leaves a field as it is for null, whatever an earlier key put there.
    if (v === null) continue;
    if (Object.hasOwn(out, field)) shadowed.push({ path: [...path, field], value: out[field] });
    out[field] = foldMember(value, key, field, v, props[field]!, root, path, shadowed);
  }
  return out;
}

/** Folds `holder[key]`, which the schema calls `field`; `path` is a stack shared down the walk. */
function foldMember(holder: object, key: string, field: string, v: unknown, schema: SchemaNode, root: SchemaNode, path: string[], shadowed: Shadowed[]): unknown {
  path.push(field);
  if (typeof v === 'number') {
    const source = fractionAt(holder, key);
    const tooLarge = Math.abs(v) >= INT64_LIMIT;
    if ((source !== undefined || tooLarge) && isInteger(resolve(schema, root))) {
      throw new NotGoIntError([...path], source ?? String(v), tooLarge && source === undefined);
    }
  }
  const out = foldKeys(v, schema, root, path, shadowed);
  path.pop();
  return out;
}
