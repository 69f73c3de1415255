// In-place upgrade from the Go plugins: a pod attached by Debian's Go bridge + host-local +
// portmap (masquerade and a mapped port, iptables) stays attached while `cni-ts install --force`
// swaps the binaries under it, and its DEL through our plugins then removes every rule, chain,
// link and reservation the Go plugins made. Runs in a netns standing for the host.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless } from '../../helpers/skip.ts';
import { BIN_DIR, REFERENCE_DIR } from '../../helpers/exec.ts';
import { cleanup, jsonIn, makeNetns, tempDir } from '../../helpers/netns.ts';

test.after(cleanup);

const GO_PLUGINS = ['bridge', 'host-local', 'portmap', 'loopback'];
const noGo = GO_PLUGINS.every((p) => existsSync(join(REFERENCE_DIR, p))) ? undefined : `Debian's Go plugins are not in ${REFERENCE_DIR} (package containernetworking-plugins)`;

testUnless(test, noGo, 'a pod attached by the Go plugins is released completely by ours after install --force', () => {
  const root = tempDir('upgrade');
  const bin = join(root, 'opt/cni/bin');
  const conf = join(root, 'etc/cni/net.d');
  const ipam = join(root, 'ipam');
  for (const d of [bin, conf]) mkdirSync(d, { recursive: true });
  for (const p of GO_PLUGINS) copyFileSync(join(REFERENCE_DIR, p), join(bin, p));
  const bridge = `cnitsu${process.pid % 100000}`;
  const network = 'goera';
  writeFileSync(
    join(conf, '10-goera.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: network,
      plugins: [
        { type: 'bridge', bridge, isGateway: true, ipMasq: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.214.9.0/24' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: ipam } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    }),
  );
  const host = makeNetns('upghost');
  const pod = makeNetns('upgpod');
  const env = {
    PATH: process.env.PATH,
    NETCONFPATH: conf,
    CNI_PATH: bin,
    CNI_CACHE_DIR: join(root, 'cache'),
    CAP_ARGS: JSON.stringify({ portMappings: [{ hostPort: 38091, containerPort: 80, protocol: 'tcp' }] }),
  };
  const inHost = (...cmd: string[]) => spawnSync('ip', ['netns', 'exec', host.name, ...cmd], { env, encoding: 'utf8', timeout: 60_000 });
  const rules = (): string[] => inHost('iptables-save').stdout.split('\n').filter((l) => l.startsWith('-A') && /10\.214\.9\.|CNI-DN-|CNI-[0-9a-f]{24}/.test(l));

  const add = inHost(join(BIN_DIR, 'cnitool'), 'add', network, pod.path);
  assert.is(add.status, 0, add.stdout + add.stderr);
  const madeByGo = rules();
  assert.ok(madeByGo.some((l) => l.includes('DNAT')) && madeByGo.some((l) => l.includes('MASQUERADE')), `the Go plugins' rules: ${madeByGo.join('\n')}`);
  assert.equal(readdirSync(join(ipam, network)).filter((f) => f.startsWith('10.')), ['10.214.9.2']);

  const installed = spawnSync(join(BIN_DIR, 'cni-ts'), ['install', '--bin-dir', bin, '--conf-dir', conf, '--pod-cidr', '10.214.10.0/24', '--force'], { encoding: 'utf8', timeout: 60_000 });
  assert.is(installed.status, 0, installed.stderr);
  assert.match(installed.stdout, /replaced +\S+\/bridge/);
  assert.match(spawnSync(join(bin, 'bridge'), { env: { CNI_COMMAND: 'VERSION' }, input: '', encoding: 'utf8' }).stdout, /1\.1\.0/, 'bridge is ours now');

  const del = inHost(join(BIN_DIR, 'cnitool'), 'del', network, pod.path);
  assert.is(del.status, 0, del.stdout + del.stderr);
  assert.equal(rules(), [], "no rule or chain of the Go plugins' attachment is left");
  assert.equal(readdirSync(join(ipam, network)).filter((f) => f.startsWith('10.')), []);
  assert.equal(jsonIn(pod, 'ip', '-j', 'link').map((l: { ifname: string }) => l.ifname), ['lo']);
  assert.equal(jsonIn(host, 'ip', '-j', 'link', 'show', 'master', bridge), [], 'no port left on the bridge');
});

test.run();
