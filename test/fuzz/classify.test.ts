import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classify, crashSign, parseError, type Outcome } from '../../fuzz/classify.ts';

const out = (o: Partial<Outcome>): Outcome => ({ exit: 0, signal: null, timedOut: false, stdout: '', stderr: '', ms: 5, ...o });
const add = { verb: 'ADD' as const, invalid: false, setupStdin: null };

test('crashSign finds stack frames, uncaught errors and crash banners, not error messages', () => {
  assert.ok(crashSign('x\n    at parse (/$bunfs/root/chunk.js:1:234)\n'));
  assert.ok(crashSign('TypeError: undefined is not an object'));
  assert.ok(crashSign('panic(main thread): Segmentation fault'));
  assert.is(crashSign('{"code":7,"msg":"invalid TypeError: x at 5"}'), null);
  assert.is(crashSign('error: something at all'), null);
});

test('parseError wants one object with an integer code and a string msg', () => {
  assert.equal(parseError('{"code":7,"msg":"bad"}'), { code: 7, msg: 'bad' });
  assert.type(parseError('{"code":7.5,"msg":"bad"}'), 'string');
  assert.type(parseError('{"code":7}'), 'string');
  assert.type(parseError('{"code":7,"msg":"a"}{"code":7,"msg":"b"}'), 'string');
  assert.type(parseError(''), 'string');
});

test('classify puts each outcome in its classes', () => {
  assert.equal(classify(add, out({ exit: 1, stdout: '{"code":7,"msg":"x"}' }), {}).classes, []);
  assert.equal(classify(add, out({ exit: 1, stdout: 'oops' }), {}).classes, ['bad error output']);
  assert.equal(classify(add, out({ exit: null, timedOut: true }), {}).classes, ['hang']);
  assert.equal(classify(add, out({ exit: 1, stdout: '{"code":7,"msg":"x"}' }), { 'host link': ['+ x'] }).classes, ['state left by a failed call']);
  assert.equal(classify(add, out({ stdout: '{}' }), { 'host link': ['+ x'] }).classes, []);
  assert.equal(classify({ ...add, verb: 'CHECK' }, out({}), { files: ['+ x'] }).classes, ['state changed by a successful non-ADD']);
  assert.equal(classify({ ...add, verb: 'DEL', setupStdin: '{}' }, out({}), { files: ['- x'] }).classes, []);
  assert.equal(classify({ ...add, invalid: true }, out({ stdout: '{}' }), {}).classes, ['bad input accepted']);
  assert.equal(classify(add, out({ exit: 0, stdout: '{"code":7,"msg":"x"}' }), {}).classes, ['bad error output']);
  assert.equal(classify(add, out({ exit: 1, stdout: '{"code":999,"msg":"x"}' }), {}).code, 999);
});

test.run();
