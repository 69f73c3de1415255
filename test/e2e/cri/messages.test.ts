// The pure parts of the e2e test: CRI messages against the hand-written .proto (field numbers
// checked byte for byte against the CRI v1 wire format), and the OCI image documents.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { loadDefinition } from '../../../e2e/cri/client.ts';
import { runPodSandboxRequest, sandboxIps, type PodSandboxStatusResponse } from '../../../e2e/cri/messages.ts';
import { ociDocuments } from '../../../e2e/lib/image.ts';

interface Method {
  requestSerialize(v: unknown): Buffer;
  requestDeserialize(b: Buffer): unknown;
  responseSerialize(v: unknown): Buffer;
  responseDeserialize(b: Buffer): unknown;
}
const service = loadDefinition()['runtime.v1.RuntimeService'] as unknown as Record<string, Method>;
const method = (name: string): Method => {
  const m = service[name];
  if (!m) throw new Error(`no ${name} in the proto`);
  return m;
};

const spec = {
  name: 'web',
  namespace: 'ns',
  uid: 'u-1',
  hostname: 'pod',
  logDirectory: '/tmp/logs',
  ports: [{ containerPort: 80, hostPort: 38078 }],
  labels: { app: 'x' },
};

test('runPodSandboxRequest survives the proto round trip unchanged (every field name is in the .proto)', () => {
  const req = runPodSandboxRequest(spec);
  const m = method('RunPodSandbox');
  assert.equal(m.requestDeserialize(m.requestSerialize(req)), req);
});

test('runPodSandboxRequest: a pod network namespace, TCP port mappings, no runtime handler', () => {
  const req = runPodSandboxRequest({ ...spec, ports: [{ containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIp: '127.0.0.1' }] });
  assert.equal(req.config.port_mappings, [{ protocol: 'UDP', container_port: 53, host_port: 5353, host_ip: '127.0.0.1' }]);
  assert.equal(req.config.linux.security_context.namespace_options, { network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
  assert.equal(req.config.metadata, { name: 'web', uid: 'u-1', namespace: 'ns', attempt: 0 });
  assert.is(runPodSandboxRequest(spec).config.port_mappings[0]?.protocol, 'TCP');
  assert.is(req.runtime_handler, '');
});

test('port mappings use the CRI v1 field numbers: config=1, port_mappings=5, container_port=2, host_port=3, host_ip=4', () => {
  const bytes = method('RunPodSandbox').requestSerialize({
    config: { port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: 38078, host_ip: '10.0.0.1' }] },
  });
  const ip = [...Buffer.from('10.0.0.1')];
  // protobufjs writes the enum even at its default (TCP = 0): legal proto3 wire format.
  const pm = [0x08, 0, 0x10, 80, 0x18, 0xbe, 0xa9, 0x02, 0x22, ip.length, ...ip];
  const config = [0x2a, pm.length, ...pm];
  assert.equal([...bytes], [0x0a, config.length, ...config]);
});

test('PodSandboxStatus decodes id=1, state=3, network=5 with ip=1 and additional_ips=2', () => {
  const str = (field: number, s: string): number[] => [(field << 3) | 2, s.length, ...Buffer.from(s)];
  const extra = str(1, 'fd00::2');
  const network = [...str(1, '10.89.78.2'), 0x12, extra.length, ...extra];
  const status = [...str(1, 'abc'), 0x18, 1, 0x2a, network.length, ...network];
  const res = method('PodSandboxStatus').responseDeserialize(Buffer.from([0x0a, status.length, ...status])) as PodSandboxStatusResponse;
  assert.is(res.status?.id, 'abc');
  assert.is(res.status?.state, 'SANDBOX_NOTREADY');
  assert.equal(sandboxIps(res), ['10.89.78.2', 'fd00::2']);
});

test('sandboxIps is empty without a network status', () => {
  assert.equal(sandboxIps({ status: { id: 'x', state: 'SANDBOX_READY', network: null } }), []);
  assert.equal(sandboxIps({}), []);
});

test('the request the client sends for stop and remove carries the sandbox id as field 1', () => {
  for (const name of ['StopPodSandbox', 'RemovePodSandbox', 'PodSandboxStatus']) {
    const bytes = method(name).requestSerialize({ pod_sandbox_id: 'abc' });
    assert.equal([...bytes], [0x0a, 3, ...Buffer.from('abc')], name);
  }
});

test('ociDocuments: the manifest names the config by its digest, the index names the manifest and the image', () => {
  const sha = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  const docs = ociDocuments({ name: 'localhost/x/pause:1', entrypoint: ['/bin/httpd', '-f'] }, 'ab'.repeat(32), 1234);
  const manifest = JSON.parse(docs.manifest);
  const index = JSON.parse(docs.index);
  const config = JSON.parse(docs.config);
  assert.is(manifest.config.digest, sha(docs.config));
  assert.is(manifest.config.size, Buffer.byteLength(docs.config));
  assert.equal(manifest.layers, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${'ab'.repeat(32)}`, size: 1234 }]);
  assert.is(index.manifests[0].digest, sha(docs.manifest));
  assert.is(index.manifests[0].annotations['io.containerd.image.name'], 'localhost/x/pause:1');
  assert.is(index.manifests[0].annotations['org.opencontainers.image.ref.name'], '1');
  assert.equal(config.rootfs.diff_ids, [`sha256:${'ab'.repeat(32)}`]);
  assert.equal(config.config.Entrypoint, ['/bin/httpd', '-f']);
});

test.run();
