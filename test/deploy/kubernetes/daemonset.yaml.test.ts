// The DaemonSet does what issue 13 asks: on every node, an init container installs the plugins
// for the Node it runs on, then gc runs every interval against the host's state, with the image
// `make image` builds and the service account rbac.yaml grants.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import type { IContainer } from 'kubernetes-models/v1';
import { adminProgram } from '../../../bin/admin/cli.ts';
import { imageRef, readManifest } from '../../helpers/manifests.ts';

const docs = readManifest('daemonset.yaml');
const ds = new DaemonSet(docs[0] as never);
const pod = ds.spec!.template.spec!;
const inits = pod.initContainers ?? [];
const containers = pod.containers;
const all: IContainer[] = [...inits, ...containers];

/** The host path behind the volume a container mounts at `mountPath`. */
function hostPathAt(c: IContainer, mountPath: string): string | undefined {
  const mount = c.volumeMounts?.find((m) => m.mountPath === mountPath);
  return pod.volumes?.find((v) => v.name === mount?.name)?.hostPath?.path;
}

test('one DaemonSet in kube-system, on the host network of every node, as node-critical', () => {
  assert.is(docs.length, 1);
  assert.is(ds.metadata?.namespace, 'kube-system');
  assert.is(pod.hostNetwork, true);
  assert.equal(pod.tolerations, [{ operator: 'Exists' }]);
  assert.is(pod.priorityClassName, 'system-node-critical');
  assert.equal(ds.spec!.selector.matchLabels, ds.spec!.template.metadata?.labels);
});

test('the init container installs into the host bin and conf dirs for its own Node', () => {
  assert.is(inits.length, 1);
  const [install] = inits;
  assert.equal(install!.args, ['install', '--bin-dir', '/host/opt/cni/bin', '--conf-dir', '/host/etc/cni/net.d', '--node-name', '$(NODE_NAME)']);
  assert.equal(install!.env, [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
  assert.is(hostPathAt(install!, '/host/opt/cni/bin'), '/opt/cni/bin');
  assert.is(hostPathAt(install!, '/host/etc/cni/net.d'), '/etc/cni/net.d');
  assert.not.ok(install!.securityContext?.privileged);
});

test('every option a container passes is one that its cni-ts subcommand declares', () => {
  for (const c of [inits[0]!, containers[0]!]) {
    const [command, ...args] = c.args!;
    const declared = adminProgram().commands.find((sub) => sub.name() === command)!.options.map((o) => o.long);
    assert.equal(args.filter((a) => a.startsWith('--') && !declared.includes(a)), [], `${c.name} runs ${command}`);
  }
});

test("the main container runs gc every interval, privileged, in the host's root", () => {
  assert.is(containers.length, 1);
  const [gc] = containers;
  assert.equal(gc!.args, ['gc', '--interval', '5m', '--host-root', '/host', '--cri-endpoint', 'unix:///run/containerd/containerd.sock']);
  assert.is(gc!.securityContext?.privileged, true);
  assert.is(hostPathAt(gc!, '/host'), '/');
  assert.is(gc!.volumeMounts?.find((m) => m.mountPath === '/host')?.mountPropagation, 'HostToContainer');
});

test('every volumeMount has a volume, and every volume is mounted', () => {
  const volumes = (pod.volumes ?? []).map((v) => v.name);
  const mounted = all.flatMap((c) => (c.volumeMounts ?? []).map((m) => m.name));
  assert.equal(mounted.filter((m) => !volumes.includes(m)), []);
  assert.equal(volumes.filter((v) => !mounted.includes(v)), []);
});

test("every container runs the image make image tags, and asks for small resources", () => {
  const ref = imageRef();
  for (const c of all) {
    assert.is(c.image, ref, c.name);
    assert.is(c.imagePullPolicy, 'IfNotPresent', c.name);
    assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, `${c.name} requests cpu and memory`);
  }
});

test('the pod runs as the service account that rbac.yaml defines in the same namespace', () => {
  const account = readManifest('rbac.yaml').find((d) => d.kind === 'ServiceAccount') as { metadata: { name: string; namespace: string } } | undefined;
  assert.is(pod.serviceAccountName, account?.metadata.name);
  assert.is(ds.metadata?.namespace, account?.metadata.namespace);
});

test.run();
