// The DaemonSet's account may get Node objects (install reads spec.podCIDRs), and nothing more.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readManifest } from '../../helpers/manifests.ts';

const docs = readManifest('rbac.yaml');
const byKind = (kind: string) => docs.filter((d) => d.kind === kind) as { metadata: { name: string; namespace?: string }; [k: string]: unknown }[];

test('a ServiceAccount, a ClusterRole and the ClusterRoleBinding between them', () => {
  assert.equal(docs.map((d) => d.kind), ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']);
});

test('the ClusterRole grants exactly get on nodes', () => {
  const [role] = byKind('ClusterRole');
  assert.equal(role!.rules, [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
});

test('the binding gives that role to that account, and to nobody else', () => {
  const [account] = byKind('ServiceAccount');
  const [role] = byKind('ClusterRole');
  const [binding] = byKind('ClusterRoleBinding');
  assert.equal(binding!.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role!.metadata.name });
  assert.equal(binding!.subjects, [{ kind: 'ServiceAccount', name: account!.metadata.name, namespace: account!.metadata.namespace }]);
});

test.run();
