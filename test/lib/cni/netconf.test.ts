// Loading network configurations as libcni does: version choice in a list, file order in a directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { confListFromBytes, loadNetworkConf } from '../../../lib/cni/netconf.ts';
import { throwsMessage } from '../../helpers/assert.ts';

test('confListFromBytes: cniVersions picks the highest known version; flags; plugin parsing', () => {
  const l = confListFromBytes(Buffer.from('{"name":"n","cniVersion":"0.4.0","cniVersions":["1.0.0","9.9.9"],"disableCheck":"TRUE","plugins":[{"type":"bridge","capabilities":{"mac":true,"x":false}}]}'));
  assert.equal([l.name, l.cniVersion, l.disableCheck, l.disableGC], ['n', '1.0.0', true, false]);
  assert.equal(l.plugins[0]!.capabilities, { mac: true, x: false });
  throwsMessage(() => confListFromBytes(Buffer.from('{"cniVersion":"1.0.0"}')), 'error parsing configuration list: no name');
  throwsMessage(() => confListFromBytes(Buffer.from('{"name":"n","plugins":[]}')), 'error parsing configuration list: no plugins in list');
  throwsMessage(() => confListFromBytes(Buffer.from('{"name":"n","plugins":[{"a":1}]}')), "failed to parse plugin config 0: error parsing configuration: missing 'type'");
  throwsMessage(() => confListFromBytes(Buffer.from('{"name":"n","disableGC":"maybe","plugins":[{"type":"x"}]}')), 'error parsing configuration list: invalid value "maybe" for disableGC');
});

test('loadNetworkConf: .conflist first in lexical order, then .conf/.json up-converted; reference errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnitool-unit-'));
  try {
    throwsMessage(() => loadNetworkConf(dir, 'a'), `no net configurations found in ${dir}`);
    writeFileSync(join(dir, '20-a.conflist'), '{"name":"a","cniVersion":"1.0.0","plugins":[{"type":"second"}]}');
    writeFileSync(join(dir, '10-a.conflist'), '{"name":"a","cniVersion":"1.0.0","plugins":[{"type":"first"}]}');
    writeFileSync(join(dir, '05-b.conf'), '{"name":"b","cniVersion":"0.4.0","type":"single","ipam":{"type":"host-local"}}');
    assert.is(loadNetworkConf(dir, 'a').plugins[0]!.type, 'first');
    const b = loadNetworkConf(dir, 'b');
    assert.equal([b.name, b.cniVersion, b.plugins.length, b.plugins[0]!.type, b.plugins[0]!.name], ['b', '0.4.0', 1, 'single', 'b']);
    assert.is(b.bytes.toString(), '{"cniVersion":"0.4.0","name":"b","plugins":[{"cniVersion":"0.4.0","ipam":{"type":"host-local"},"name":"b","type":"single"}]}');
    throwsMessage(() => loadNetworkConf(dir, 'c'), `no net configuration with name "c" in ${dir}`);
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'x.conf'), '{"type":"extra"}');
    assert.equal(loadNetworkConf(dir, 'a').plugins.map((p) => p.type), ['first', 'extra']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
