import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgBool, parseCniArgs } from '../../../lib/cni/args.ts';
import type { CniError } from '../../../lib/cni/errors.ts';

const parsers = { IP: (v: string) => v, MAC: (v: string) => v.toLowerCase() };

function argsError(args: string): CniError {
  try {
    parseCniArgs(args, parsers);
  } catch (err) {
    return err as CniError;
  }
  throw new Error('expected an error');
}

test('parseCniArgs returns nothing for an empty string', () => {
  assert.equal(parseCniArgs('', parsers), {});
});

test('parseCniArgs decodes declared keys with their parsers', () => {
  assert.equal(parseCniArgs('IP=10.1.2.88;MAC=02:AA:00:00:00:01', parsers), { IP: '10.1.2.88', MAC: '02:aa:00:00:00:01' });
});

test('parseCniArgs rejects unknown keys, quoting them as Go does', () => {
  const err = argsError('K8S_POD_NAME=x;K8S_POD_NAMESPACE=y');
  assert.is(err.message, 'ARGS: unknown args ["K8S_POD_NAME=x" "K8S_POD_NAMESPACE=y"]');
});

test('parseCniArgs ignores unknown keys with IgnoreUnknown in any accepted spelling', () => {
  for (const v of ['1', 'true', 'TRUE', 'True']) {
    assert.equal(parseCniArgs(`IgnoreUnknown=${v};K8S_POD_NAME=x;IP=1.2.3.4`, parsers), { IgnoreUnknown: true, IP: '1.2.3.4' });
  }
  assert.equal(parseCniArgs('K8S_POD_NAME=x;IgnoreUnknown=1', parsers).IgnoreUnknown, true);
});

test('parseCniArgs does not ignore unknown keys when IgnoreUnknown is false', () => {
  assert.match(argsError('IgnoreUnknown=0;X=1').message, /^ARGS: unknown args \["X=1"\]$/);
});

test('parseCniArgs matches keys case-sensitively', () => {
  assert.match(argsError('ip=1.2.3.4').message, /unknown args \["ip=1.2.3.4"\]/);
});

test('parseCniArgs rejects a pair that is not exactly K=V', () => {
  assert.is(argsError('IP=1=2').message, 'ARGS: invalid pair "IP=1=2"');
  assert.is(argsError('IP').message, 'ARGS: invalid pair "IP"');
  assert.is(argsError('IP=1;;').message, 'ARGS: invalid pair ""');
});

test('parseCniArgs reports a value its parser refuses', () => {
  const err = argsError('IgnoreUnknown=maybe');
  assert.is(err.message, 'ARGS: error parsing value of pair "IgnoreUnknown=maybe": boolean unmarshal error: invalid input maybe');
  assert.is(err.code, 4);
});

test('parseArgBool accepts 1/true/0/false in any case', () => {
  assert.is(parseArgBool('FALSE'), false);
  assert.is(parseArgBool('0'), false);
  assert.is(parseArgBool('1'), true);
  assert.throws(() => parseArgBool('yes'));
});

test.run();
