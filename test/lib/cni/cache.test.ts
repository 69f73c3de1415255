// libcni's result cache file, as cnitool writes and reads it: cniCacheV1, struct order, base64 config.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCacheEntry, encodeCacheEntry, writeCache } from '../../../lib/cni/cache.ts';
import { errorText, gcNetworkList } from '../../../lib/cni/libcni.ts';
import { CniError } from '../../../lib/cni/errors.ts';
import { confListFromBytes } from '../../../lib/cni/netconf.ts';

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
