import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareVersions, isSupported, resultFormatOf } from '../../../lib/cni/version.ts';

test('compareVersions orders dotted versions numerically', () => {
  assert.is(compareVersions('0.3.1', '0.4.0'), -1);
  assert.is(compareVersions('1.1.0', '1.0.0'), 1);
  assert.is(compareVersions('0.10.0', '0.9.0'), 1);
  assert.is(compareVersions('1.0', '1.0.0'), 0);
  assert.is(compareVersions('', '0.1.0'), 0);
  assert.throws(() => compareVersions('1.x', '1.0.0'), /failed to convert minor version part "x"/);
  assert.throws(() => compareVersions('1.0.0.0', '1.0.0'), /too many parts/);
});

test('isSupported matches exact strings only', () => {
  assert.ok(isSupported('0.3.1'));
  assert.not.ok(isSupported('0.3'));
  assert.not.ok(isSupported('1.2.0'));
});

test('resultFormatOf groups versions by result type', () => {
  assert.is(resultFormatOf('0.2.0'), '020');
  assert.is(resultFormatOf('0.4.0'), '040');
  assert.is(resultFormatOf('1.1.0'), '100');
});

test.run();
