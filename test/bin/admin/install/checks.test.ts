// The options that end up in the conflist are refused at install, naming the option and the text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bridgeName, dataDir, integerOption, networkName } from '../../../../bin/admin/install/checks.ts';

test('integerOption: digits within the bounds', () => {
  assert.is(integerOption('1400', '--mtu', 68, 65535), 1400);
  for (const bad of ['67', '65536', '1e3', '-1', '', ' 1400', '14.0']) {
    assert.throws(() => integerOption(bad, '--mtu', 68, 65535), new RegExp(`--mtu "${bad.replace('.', '\\.')}" is not an integer from 68 to 65535`), bad);
  }
});

test("networkName: libcni's rule", () => {
  assert.is(networkName('cni-ts_1.x'), 'cni-ts_1.x');
  for (const bad of ['', '-x', 'a b', 'a/b']) assert.throws(() => networkName(bad), /--network ".*" is not a valid network name/, bad);
});

test("bridgeName: the kernel's rule for a link name", () => {
  assert.is(bridgeName('cni0'), 'cni0');
  assert.throws(() => bridgeName('a-bridge-name-too-long'), /--bridge "a-bridge-name-too-long": interface name is too long/);
  assert.throws(() => bridgeName('br/0'), /--bridge "br\/0": interface name contains/);
  assert.throws(() => bridgeName(''), /--bridge "": interface name is empty/);
});

test('dataDir: absolute only', () => {
  assert.is(dataDir('/var/lib/cni/networks'), '/var/lib/cni/networks');
  assert.throws(() => dataDir('data'), /--data-dir "data" is not an absolute path/);
});

test.run();
