// `cni-ts install --node-name` against a local Kubernetes API: a TLS server on 127.0.0.1 with a
// self-signed certificate made by openssl here, reached through a kubeconfig with its CA and a
// token. The Node has no pod CIDRs at first (install says it waits), then gets them.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN_DIR } from '../../helpers/exec.ts';

// Its own temp dir, made at load time for the certificate and kubeconfig, which other suites'
// cleanups (they run first) must not remove.
const dir = mkdtempSync(join(tmpdir(), 'cnits-inst-k8s-'));
let runs = 0;
const tempDir = (tag: string): string => join(dir, `${tag}-${runs++}`);
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });

interface Seen {
  readonly url: string;
  readonly auth: string;
}
const seen: Seen[] = [];
// Node name -> how many answers without CIDRs before the CIDRs appear (-1: never).
const nodes: Record<string, number> = { 'node-a': 2, 'node-never': -1 };

const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
  seen.push({ url: req.url ?? '', auth: req.headers.authorization ?? '' });
  const name = /^\/api\/v1\/nodes\/([^/?]+)$/.exec(req.url ?? '')?.[1];
  res.setHeader('content-type', 'application/json');
  if (name === undefined || !(name in nodes)) {
    res.statusCode = 404;
    return res.end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: `nodes "${name}" not found` }));
  }
  const asked = seen.filter((s) => s.url === req.url).length;
  const ready = nodes[name]! >= 0 && asked > nodes[name]!;
  const spec = ready ? { podCIDR: '10.215.3.0/24', podCIDRs: ['10.215.3.0/24', 'fd00:215:3::/64'] } : {};
  res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec }));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, 'certificate-authority-data': readFileSync(join(dir, 'cert.pem')).toString('base64') } }],
    users: [{ name: 'installer', user: { token: 'test-token' } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: 'installer' } }],
    'current-context': 'local',
  }),
);

test.after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs install without blocking this process, which also serves the API. */
function install(node: string, ...more: string[]): Promise<{ code: number | null; out: string; err: string; conf: string }> {
  const root = tempDir('inst-k8s-run');
  const conf = join(root, 'net.d');
  const child = spawn(join(BIN_DIR, 'cni-ts'), ['install', '--bin-dir', join(root, 'bin'), '--conf-dir', conf, '--node-name', node, '--kubeconfig', kubeconfig, ...more]);
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b));
  child.stderr.on('data', (b: Buffer) => (err += b));
  return new Promise((done) => child.on('exit', (code) => done({ code, out, err, conf })));
}

test("install waits for the Node's spec.podCIDRs, says so, and writes a range set per CIDR", async () => {
  const r = await install('node-a');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^waiting: Node node-a has no spec.podCIDRs yet \(up to \d+ s more\)\n/);
  assert.is(r.out.match(/waiting/g)!.length, 1, 'says it once');
  const c = JSON.parse(readFileSync(join(r.conf, '00-cni-ts.conflist'), 'utf8'));
  assert.equal(c.plugins[0].ipam.ranges, [[{ subnet: '10.215.3.0/24' }], [{ subnet: 'fd00:215:3::/64' }]]);
  assert.equal(c.plugins[0].ipam.routes, [{ dst: '0.0.0.0/0' }, { dst: '::/0' }]);
  const asked = seen.filter((s) => s.url === '/api/v1/nodes/node-a');
  assert.is(asked.length, 3);
  assert.ok(asked.every((s) => s.auth === 'Bearer test-token'));
});

test('an unknown Node fails at once with the API status, a Node never given CIDRs at the timeout', async () => {
  const missing = await install('node-missing');
  assert.is(missing.code, 1);
  assert.match(missing.err, /nodes\/node-missing: HTTP 404: .*not found/);
  const never = await install('node-never', '--timeout', '2');
  assert.is(never.code, 1);
  assert.match(never.err, /gave up waiting after 2 s: Node node-never has no spec.podCIDRs yet/);
});

test('without --kubeconfig and outside a cluster: a clear error', async () => {
  const root = tempDir('inst-k8s-nocluster');
  const child = spawn(join(BIN_DIR, 'cni-ts'), ['install', '--bin-dir', join(root, 'bin'), '--conf-dir', join(root, 'net.d'), '--node-name', 'node-a'], {
    env: { PATH: process.env.PATH },
  });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b));
  const code = await new Promise((done) => child.on('exit', done));
  assert.is(code, 1);
  assert.match(err, /cni-ts install: .*(in-cluster|KUBERNETES_SERVICE_HOST|serviceaccount)/i);
});

test.run();
