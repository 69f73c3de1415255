// Go's encoding/json matches object keys to struct fields by its fold (an exact match first),
// leaves a field at its default when the value is null, and keeps map keys as they are.
// This rewrites a parsed JSON value into that shape, guided by the schema the validator uses.
import { goFold } from '../cni/go.ts';

export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
  readonly $ref?: string;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

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

/** Returns a copy of `value` with struct keys renamed to the schema's spelling and null fields dropped. */
export function foldKeys(value: unknown, schema: SchemaNode, root: SchemaNode = schema): unknown {
  const node = resolve(schema, root);
  if (Array.isArray(value)) return node.items ? value.map((v) => foldKeys(v, node.items!, root)) : value;
  if (!isObject(value)) return value;
  const props = node.properties;
  const extra = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  if (!props) {
    if (!extra) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, foldKeys(v, extra, root)]));
  }
  const folded = new Map<string, string>();
  for (const name of Object.keys(props)) if (!folded.has(goFold(name))) folded.set(goFold(name), name);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const field = fieldFor(key, props, folded);
    if (field === undefined) {
      out[key] = extra ? foldKeys(v, extra, root) : v;
      continue;
    }
    if (v === null) {
      delete out[field];
      continue;
    }
    out[field] = foldKeys(v, props[field]!, root);
  }
  return out;
}
