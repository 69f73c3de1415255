// Whose file sits at each path install writes: the decision "ours / foreign / absent".
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { conflistOwner, inspect, namedOwner, pluginOwner } from '../../../../bin/admin/install/ownership.ts';

const BIN = '/opt/cni/bin';

test('pluginOwner: a link to the executable beside it is ours, however spelt', () => {
  for (const target of ['cni-ts', './cni-ts', '/opt/cni/bin/cni-ts', '../bin/cni-ts']) {
    assert.is(pluginOwner(BIN, { kind: 'symlink', target }), 'ours', target);
  }
});

test("pluginOwner: a regular file, a link elsewhere or a directory is another project's", () => {
  assert.is(pluginOwner(BIN, { kind: 'file' }), 'foreign');
  assert.is(pluginOwner(BIN, { kind: 'symlink', target: '/usr/lib/cni/bridge' }), 'foreign');
  assert.is(pluginOwner(BIN, { kind: 'symlink', target: 'cni-ts-old' }), 'foreign');
  assert.is(pluginOwner(BIN, { kind: 'dir' }), 'foreign');
  assert.is(pluginOwner(BIN, { kind: 'absent' }), 'absent');
});

test('namedOwner: a regular file with our name is ours, anything else there is not', () => {
  assert.is(namedOwner({ kind: 'file' }), 'ours');
  assert.is(namedOwner({ kind: 'symlink', target: 'x' }), 'foreign');
  assert.is(namedOwner({ kind: 'dir' }), 'foreign');
  assert.is(namedOwner({ kind: 'absent' }), 'absent');
});

test('conflistOwner: ours only with the marker', () => {
  assert.is(conflistOwner(undefined), 'absent');
  assert.is(conflistOwner('{"managedBy":"cni-ts install"}'), 'ours');
  assert.is(conflistOwner('{"name":"mine"}'), 'foreign');
});

test('inspect: what lstat and readlink find, as data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnits-own-'));
  try {
    writeFileSync(join(dir, 'f'), '');
    symlinkSync('cni-ts', join(dir, 'l'));
    mkdirSync(join(dir, 'd'));
    assert.equal(inspect(join(dir, 'f')), { kind: 'file' });
    assert.equal(inspect(join(dir, 'l')), { kind: 'symlink', target: 'cni-ts' });
    assert.equal(inspect(join(dir, 'd')), { kind: 'dir' });
    assert.equal(inspect(join(dir, 'none')), { kind: 'absent' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
