// The Kubernetes manifests of deploy/kubernetes/, read and checked offline: against the API's
// schemas with kubernetes-models' validate(), and strictly, since that validation ignores fields
// it does not know, which the API server drops (or refuses, under strict field validation): a
// misspelt `hostNetwrok` would pass it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ServiceAccount } from 'kubernetes-models/v1';
import { ROOT } from './exec.ts';

export const MANIFEST_DIR = join(ROOT, 'deploy/kubernetes');

// The tests run on Bun, whose YAML parser reads a multi-document stream as an array of documents.
const yaml = (globalThis as { Bun?: { YAML: { parse(text: string): unknown } } }).Bun?.YAML;

export type Document = Record<string, unknown>;

/** The documents of deploy/kubernetes/<file>. */
export function readManifest(file: string): Document[] {
  if (!yaml) throw new Error('reading YAML needs Bun.YAML: run the tests on Bun');
  const parsed = yaml.parse(readFileSync(join(MANIFEST_DIR, file), 'utf8'));
  return (Array.isArray(parsed) ? parsed : [parsed]) as Document[];
}

/** The reference `make image` tags, which every container image must be. */
export function imageRef(): string {
  const r = spawnSync('make', ['-s', '--no-print-directory', 'image-ref'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make image-ref: ${r.stderr}`);
  return r.stdout.trim();
}

type ModelClass = { apiVersion: string; kind: string; prototype: { validate(): void } };
const MODELS = new Map<string, ModelClass>(
  ([DaemonSet, ServiceAccount, ClusterRole, ClusterRoleBinding] as readonly ModelClass[]).map((m) => [`${m.apiVersion} ${m.kind}`, m]),
);

/** The model class of a document's apiVersion and kind, if it is one the manifests may use. */
export function modelOf(doc: Document): ModelClass | undefined {
  return MODELS.get(`${String(doc.apiVersion)} ${String(doc.kind)}`);
}

/**
 * What is wrong with `doc`: its schema errors, then every field the schema does not know. The
 * model's validator reads each field its schema declares (and every key of a map), so it runs on
 * a proxy that records the keys read: a key of an object that was never read is unknown.
 */
export function problems(doc: Document): string[] {
  const model = modelOf(doc);
  if (!model) return [`${String(doc.apiVersion)} ${String(doc.kind)} is not a kind these manifests use`];
  const read = new Map<object, { path: string; keys: Set<string> }>();
  const watch = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (!read.has(value)) read.set(value, { path, keys: new Set() });
    const seen = (key: string | symbol): void => void (typeof key === 'string' && read.get(value)!.keys.add(key));
    return new Proxy(value, {
      get: (target, key) => (seen(key), typeof key === 'string' ? watch(Reflect.get(target, key), `${path}.${key}`) : Reflect.get(target, key)),
      has: (target, key) => (seen(key), Reflect.has(target, key)),
    });
  };
  try {
    model.prototype.validate.call(watch(doc, ''));
  } catch (err) {
    return [(err as Error).message];
  }
  return [...read]
    .filter(([obj]) => !Array.isArray(obj))
    .flatMap(([obj, { path, keys }]) => Object.keys(obj).filter((k) => !keys.has(k)).map((k) => `unknown field ${path.slice(1) ? `${path.slice(1)}.` : ''}${k}`));
}
