// deploy/kubernetes/: `kubectl apply -k` applies every manifest in it, and each of them is valid
// for the API server as written: schema-valid, no field the API does not know.
import { readdirSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import { MANIFEST_DIR, problems, readManifest } from '../../helpers/manifests.ts';

const [kustomization] = readManifest('kustomization.yaml');
const resources = (kustomization?.resources ?? []) as string[];

test('the kustomization lists every manifest of the directory, and nothing else', () => {
  assert.equal(Object.keys(kustomization ?? {}).sort(), ['apiVersion', 'kind', 'resources']);
  assert.is(kustomization?.apiVersion, 'kustomize.config.k8s.io/v1beta1');
  assert.is(kustomization?.kind, 'Kustomization');
  const manifests = readdirSync(MANIFEST_DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  assert.equal([...resources].sort(), manifests.sort());
});

test('every document validates against its Kubernetes schema and has no unknown field', () => {
  for (const file of resources) {
    const docs = readManifest(file);
    assert.ok(docs.length > 0, `${file} has no document`);
    for (const doc of docs) assert.equal(problems(doc), [], `${file}: ${String(doc.kind)}`);
  }
});

test('the strict pass finds the misspelt field that the schema validation lets through', () => {
  const [ds] = readManifest('daemonset.yaml');
  const spec = (ds as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
  spec.hostNetwrok = true;
  (spec.containers as Record<string, unknown>[])[0]!.imagePulPolicy = 'Always';
  new DaemonSet(ds as never).validate();
  assert.equal(problems(ds!), ['unknown field spec.template.spec.hostNetwrok', 'unknown field spec.template.spec.containers.0.imagePulPolicy']);
});

test('a wrong type is a schema error', () => {
  const [ds] = readManifest('daemonset.yaml');
  (ds as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec.hostNetwork = 'yes';
  assert.match(problems(ds!).join('\n'), /hostNetwork must be boolean/);
});

test.run();
