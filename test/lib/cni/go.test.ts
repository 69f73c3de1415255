import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goField, goFields, goFold, goList, goQuote, goQuoteList } from '../../../lib/cni/go.ts';
import { foldKeys } from '../../../lib/config/fold.ts';

const KELVIN = '\u212a';
const LONG_S = '\u017f';

test('goFold matches what encoding/json matches: any case, long s as s, Kelvin sign as k', () => {
  assert.is(goFold('cniVersion'), goFold('CNIVERSION'));
  assert.is(goFold(`cni.dev/attachment${LONG_S}`), goFold('cni.dev/attachments'));
  assert.is(goFold(`${KELVIN}ind`), goFold('kind'));
  assert.is.not(goFold('name1'), goFold('name'));
});

test('goField: the last non-null match wins; null only when every match is null; undefined when absent', () => {
  assert.is(goField({ Name: 'a', NAME: 'b' }, 'name'), 'b');
  assert.is(goField({ name: 'a', NAME: null }, 'name'), 'a');
  assert.is(goField({ name: null }, 'name'), null);
  assert.is(goField({ other: 1 }, 'name'), undefined);
  assert.is(goField(['name'], 'name'), undefined);
  assert.is(goField(null, 'name'), undefined);
});

test('goFields: several fields in one pass, each as goField finds it; absent ones left out', () => {
  const obj = { LogFile: 'a', logfile: null, METRICSDIR: '/m', metricsDir: '/n', other: 1 };
  assert.equal(goFields(obj, ['logFile', 'metricsDir', 'logLevel']), { logFile: 'a', metricsDir: '/n' });
  for (const n of ['logFile', 'metricsDir', 'logLevel']) assert.is(goFields(obj, [n])[n], goField(obj, n));
  assert.equal(goFields({ ſtate: 1 }, ['STATE']), { STATE: 1 });
  assert.equal(goFields('x', ['a']), {});
});

test('foldKeys uses the same fold as goField', () => {
  const schema = { type: 'object', properties: { kind: { type: 'string' } } };
  assert.equal(foldKeys({ [`${KELVIN}IND`]: 'x' }, schema), { kind: 'x' });
});

test('goQuote, goQuoteList and goList print as fmt does', () => {
  assert.is(goQuote('a"b'), '"a\\"b"');
  assert.is(goQuoteList(['a', 'b']), '["a" "b"]');
  assert.is(goList(['a', 'b']), '[a b]');
  assert.is(goList([]), '[]');
});

test.run();
