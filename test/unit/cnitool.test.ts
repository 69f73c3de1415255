// cnitool's libcni side without plugins: Go-compatible JSON, config loading, the container-ID
// derivation, CNI_ARGS, the stdin built for each plugin, and the cniCacheV1 file format.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCacheEntry, encodeCacheEntry, writeCache } from '../../bin/cnitool/cache.ts';
import { goMarshal, inOrder } from '../../bin/cnitool/gojson.ts';
import { buildOneConfig, errorText, gcNetworkList, parseAddOutput } from '../../bin/cnitool/libcni.ts';
import { CniError } from '../../lib/cni/errors.ts';
import { confListFromBytes, loadNetworkConf } from '../../bin/cnitool/netconf.ts';
import { containerIDFor, parseCniArgs, readToolEnv } from '../../bin/cnitool/runtime-conf.ts';

const throws = (fn: () => unknown, msg: string | RegExp): void => {
  try {
    fn();
  } catch (err) {
    const m = (err as Error).message;
    assert.ok(typeof msg === 'string' ? m === msg : msg.test(m), m);
    return;
  }
  assert.unreachable('expected an error');
};

test('containerIDFor hashes the absolute netns path like cnitool (first 10 bytes of SHA-512)', () => {
  const want = `cnitool-${createHash('sha512').update('/var/run/netns/ns1').digest('hex').slice(0, 20)}`;
  assert.is(containerIDFor('/var/run/netns/ns1'), want);
  assert.is(containerIDFor('/var/run/netns/../netns/ns1'), want);
  assert.is(want.length, 28);
});

test('parseCniArgs keeps pairs in order and rejects what cnitool rejects', () => {
  assert.equal(parseCniArgs('IgnoreUnknown=1;IP=10.1.2.3'), [['IgnoreUnknown', '1'], ['IP', '10.1.2.3']]);
  assert.equal(parseCniArgs(''), []);
  throws(() => parseCniArgs('A=1;B'), 'invalid CNI_ARGS pair "B"');
  throws(() => parseCniArgs('A=b=c'), 'invalid CNI_ARGS pair "A=b=c"');
  throws(() => parseCniArgs('A='), 'invalid CNI_ARGS pair "A="');
});

test('readToolEnv: defaults, -i over CNI_IFNAME, CAP_ARGS as JSON', () => {
  const e = readToolEnv({});
  assert.equal([e.netconfPath, e.cniPath, e.ifname, e.capArgs], ['/etc/cni/net.d', [], 'eth0', undefined]);
  const f = readToolEnv({ NETCONFPATH: '/x', CNI_PATH: '/a:/b', CNI_IFNAME: 'net1', CAP_ARGS: '{"mac":"02:00:00:00:00:01"}' }, 'eth7');
  assert.equal([f.netconfPath, f.cniPath, f.ifname, f.capArgs], ['/x', ['/a', '/b'], 'eth7', { mac: '02:00:00:00:00:01' }]);
  throws(() => readToolEnv({ CAP_ARGS: '{' }), /^CAP_ARGS: /);
});

test('goMarshal sorts map keys bytewise, escapes HTML, keeps struct order only where marked', () => {
  assert.is(goMarshal({ b: 1, a: { d: '<&>', c: [2, { z: 1, y: 2 }] } }), '{"a":{"c":[2,{"y":2,"z":1}],"d":"\\u003c\\u0026\\u003e"},"b":1}');
  assert.is(goMarshal(inOrder({ b: 1, a: { d: 1, c: 2 } })), '{"b":1,"a":{"c":2,"d":1}}');
  assert.is(goMarshal(inOrder({ b: 1, a: { d: 1, c: 2 } }, true)), '{"b":1,"a":{"d":1,"c":2}}');
  assert.is(goMarshal({ '10': 1, '9': 2, B: 3, a: 4 }), '{"10":1,"9":2,"B":3,"a":4}');
});

test('confListFromBytes: cniVersions picks the highest known version; flags; plugin parsing', () => {
  const l = confListFromBytes(Buffer.from('{"name":"n","cniVersion":"0.4.0","cniVersions":["1.0.0","9.9.9"],"disableCheck":"TRUE","plugins":[{"type":"bridge","capabilities":{"mac":true,"x":false}}]}'));
  assert.equal([l.name, l.cniVersion, l.disableCheck, l.disableGC], ['n', '1.0.0', true, false]);
  assert.equal(l.plugins[0]!.capabilities, { mac: true, x: false });
  throws(() => confListFromBytes(Buffer.from('{"cniVersion":"1.0.0"}')), 'error parsing configuration list: no name');
  throws(() => confListFromBytes(Buffer.from('{"name":"n","plugins":[]}')), 'error parsing configuration list: no plugins in list');
  throws(() => confListFromBytes(Buffer.from('{"name":"n","plugins":[{"a":1}]}')), "failed to parse plugin config 0: error parsing configuration: missing 'type'");
  throws(() => confListFromBytes(Buffer.from('{"name":"n","disableGC":"maybe","plugins":[{"type":"x"}]}')), 'error parsing configuration list: invalid value "maybe" for disableGC');
});

test('loadNetworkConf: .conflist first in lexical order, then .conf/.json up-converted; reference errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnitool-unit-'));
  try {
    throws(() => loadNetworkConf(dir, 'a'), `no net configurations found in ${dir}`);
    writeFileSync(join(dir, '20-a.conflist'), '{"name":"a","cniVersion":"1.0.0","plugins":[{"type":"second"}]}');
    writeFileSync(join(dir, '10-a.conflist'), '{"name":"a","cniVersion":"1.0.0","plugins":[{"type":"first"}]}');
    writeFileSync(join(dir, '05-b.conf'), '{"name":"b","cniVersion":"0.4.0","type":"single","ipam":{"type":"host-local"}}');
    assert.is(loadNetworkConf(dir, 'a').plugins[0]!.type, 'first');
    const b = loadNetworkConf(dir, 'b');
    assert.equal([b.name, b.cniVersion, b.plugins.length, b.plugins[0]!.type, b.plugins[0]!.name], ['b', '0.4.0', 1, 'single', 'b']);
    assert.is(b.bytes.toString(), '{"cniVersion":"0.4.0","name":"b","plugins":[{"cniVersion":"0.4.0","ipam":{"type":"host-local"},"name":"b","type":"single"}]}');
    throws(() => loadNetworkConf(dir, 'c'), `no net configuration with name "c" in ${dir}`);
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'x.conf'), '{"type":"extra"}');
    assert.equal(loadNetworkConf(dir, 'a').plugins.map((p) => p.type), ['first', 'extra']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('buildOneConfig injects name, cniVersion, prevResult and only the declared capabilities', () => {
  const list = confListFromBytes(Buffer.from('{"name":"net","cniVersion":"0.4.0","plugins":[{"type":"portmap","name":"ignored","capabilities":{"portMappings":true,"mac":false}}]}'));
  const prev = parseAddOutput(Buffer.from('{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}],"dns":{}}'), '0.4.0');
  const rt = { containerID: 'c', netns: '/n', ifname: 'eth0', capabilityArgs: { portMappings: [{ hostPort: 1, containerPort: 2, protocol: 'tcp' }], mac: 'x', other: 1 } };
  const out = buildOneConfig(list, list.plugins[0]!, prev, rt).toString();
  assert.is(
    out,
    '{"capabilities":{"mac":false,"portMappings":true},"cniVersion":"0.4.0","name":"net","prevResult":{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}],"dns":{}},"runtimeConfig":{"portMappings":[{"containerPort":2,"hostPort":1,"protocol":"tcp"}]},"type":"portmap"}',
  );
  const none = buildOneConfig(list, list.plugins[0]!, undefined, { containerID: 'c', netns: '/n', ifname: 'eth0' }).toString();
  assert.not.ok(none.includes('runtimeConfig') || none.includes('prevResult'));
});

test('parseAddOutput: a result without cniVersion takes the config version', () => {
  const r = parseAddOutput(Buffer.from('{"ips":[{"address":"10.0.0.2/24"}]}'), '1.0.0');
  assert.is(r.version, '1.0.0');
  assert.is(r.result.ips![0]!.address, '10.0.0.2/24');
});

test('the cache file is libcni cniCacheV1: struct order, base64 config, omitempty, maps sorted', () => {
  const text = encodeCacheEntry({
    containerID: 'c1',
    network: 'net',
    ifname: 'eth0',
    config: Buffer.from('{"name":"net"}'),
    netns: '/var/run/netns/x',
    cniArgs: [['IgnoreUnknown', '1']],
    capabilityArgs: { portMappings: [] },
    result: { cniVersion: '1.0.0', ips: [{ interface: 2, address: '10.0.0.2/24' }] },
  });
  assert.is(
    text,
    '{"kind":"cniCacheV1","containerId":"c1","config":"eyJuYW1lIjoibmV0In0=","ifName":"eth0","networkName":"net","netns":"/var/run/netns/x","cniArgs":[["IgnoreUnknown","1"]],"capabilityArgs":{"portMappings":[]},"result":{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.2/24","interface":2}]}}',
  );
  const back = decodeCacheEntry(JSON.parse(text))!;
  assert.equal([back.containerID, back.network, back.ifname, back.config.toString(), back.cniArgs], ['c1', 'net', 'eth0', '{"name":"net"}', [['IgnoreUnknown', '1']]]);
  assert.is(encodeCacheEntry({ containerID: 'c', network: 'n', ifname: 'i', config: Buffer.alloc(0), netns: '' }), '{"kind":"cniCacheV1","containerId":"c","config":"","ifName":"i","networkName":"n"}');
  assert.is(decodeCacheEntry({ kind: 'other' }), undefined);
});

test('gcNetworkList goes on past failures and throws them together, the first one leading', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnitool-unit-'));
  try {
    writeFileSync(join(dir, 'fake'), '');
    const list = confListFromBytes(Buffer.from('{"name":"n","cniVersion":"1.1.0","plugins":[{"type":"fake"}]}'));
    for (const id of ['a', 'b']) writeCache(dir, { containerID: id, network: 'n', ifname: 'eth0', config: list.bytes, netns: '' });
    const exec = async (_path: string, _stdin: Buffer, env: NodeJS.ProcessEnv): Promise<Buffer> => {
      throw new CniError(5, `${env.CNI_COMMAND} ${env.CNI_CONTAINERID || '-'} failed`, 'why');
    };
    let err: unknown;
    await gcNetworkList({ path: [dir], cacheDir: dir, exec }, list, []).catch((e: unknown) => (err = e));
    assert.is(
      errorText(err),
      'failed to delete stale attachment a eth0: plugin type="fake" failed (delete): DEL a failed; why; ' +
        'failed to delete stale attachment b eth0: plugin type="fake" failed (delete): DEL b failed; why; failed to GC plugin fake: GC - failed; why',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
