// Decoding a plugin's JSON configuration like Go's encoding/json would, then validating it with a
// validator generated at build time from the same schema. Errors are CNI code 7 naming the field.
import type { ErrorObject, JSONSchemaType } from 'ajv';
import { invalidConfig } from '../cni/errors.ts';
import { foldKeys, NotGoIntError, type SchemaNode, type Shadowed } from './fold.ts';

/** The shape of an ajv standalone validator: it fills defaults in place and records its errors. */
export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** A schema and the validator generated from it: the one source of a config type. */
export interface ConfigSpec<T> {
  readonly schema: JSONSchemaType<T>;
  readonly validate: Validator;
}

/** The unescaped segments of a JSON pointer: `/cni.dev~1attachments/0` is ['cni.dev/attachments', '0']. */
const pointerParts = (pointer: string): string[] =>
  pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));

/** `ipam.ranges[0][1].subnet` from the keys and indexes ['ipam', 'ranges', '0', '1', 'subnet']. */
const fieldPath = (parts: readonly string[]): string =>
  parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');

/** `ipam.ranges[0][1].subnet` from ajv's JSON pointer `/ipam/ranges/0/1/subnet`. */
export function fieldName(pointer: string, extra?: string): string {
  const parts = pointerParts(pointer);
  if (extra !== undefined) parts.push(extra);
  return fieldPath(parts);
}

function valueAt(data: unknown, pointer: string): unknown {
  let v: unknown = data;
  for (const p of pointerParts(pointer)) v = (v as Record<string, unknown> | undefined)?.[p];
  return v;
}

export function describeError(e: ErrorObject, data: unknown): string {
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return `field "${fieldName(e.instancePath, missing)}" is required`;
  }
  const field = fieldName(e.instancePath) || '(top level)';
  const got = JSON.stringify(valueAt(data, e.instancePath));
  return `field "${field}" ${e.message ?? 'is invalid'}, got ${got}`;
}

/**
 * Folds keys (Go's case-insensitive match, null = default), validates and fills defaults.
 * `what` prefixes the message, e.g. "bridge config".
 */
/** `data` with the value at `path` replaced, copying only the containers along the path. */
function replacedAt(data: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> = Array.isArray(data) ? ([...data] as unknown as Record<string, unknown>) : { ...(data as Record<string, unknown>) };
  copy[key] = replacedAt(copy[key], rest, value);
  return copy;
}

export function decodeConfig<T>(raw: unknown, spec: ConfigSpec<T>, what = 'network config'): T {
  let data: unknown;
  const shadowed: Shadowed[] = [];
  try {
    data = foldKeys(raw, spec.schema as SchemaNode, undefined, undefined, shadowed);
  } catch (err) {
    if (!(err instanceof NotGoIntError)) throw err;
    const want = err.tooLarge ? 'a 64-bit integer' : 'integer';
    throw invalidConfig(`invalid ${what}: field "${fieldPath(err.path)}" must be ${want}, got ${err.source}`);
  }
  // Each value a later case-variant key replaced is checked in its place: Go decodes both.
  for (const candidate of [...shadowed.map((s) => replacedAt(data, s.path, s.value)), data]) {
    if (!spec.validate(candidate)) {
      const err = spec.validate.errors?.[0];
      throw invalidConfig(`invalid ${what}: ${err ? describeError(err, candidate) : 'rejected'}`);
    }
  }
  return data as T;
}
