import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readCmdEnv, splitPath, validateIfname } from '../../../lib/cni/env.ts';
import { CniError } from '../../../lib/cni/errors.ts';

const full = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' };

function envError(env: Record<string, string>): CniError {
  try {
    readCmdEnv(env);
  } catch (err) {
    return err as CniError;
  }
  throw new Error('expected an error');
}

test('readCmdEnv reads every variable of a complete ADD', () => {
  const e = readCmdEnv({ ...full, CNI_ARGS: 'IgnoreUnknown=1' });
  assert.equal(e, { command: 'ADD', containerID: 'c1', netns: '/var/run/netns/x', ifname: 'eth0', args: 'IgnoreUnknown=1', path: '/opt/cni/bin', netnsOverride: '' });
});

const missingCases: [string, Record<string, string>, string][] = [
  ['nothing set', {}, 'required env variables [CNI_COMMAND] missing'],
  ['ADD with only the command', { CNI_COMMAND: 'ADD' }, 'required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing'],
  ['CHECK without netns', { ...full, CNI_COMMAND: 'CHECK', CNI_NETNS: '' }, 'required env variables [CNI_NETNS] missing'],
  ['DEL without path and ifname', { CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c' }, 'required env variables [CNI_IFNAME,CNI_PATH] missing'],
  ['GC without path', { CNI_COMMAND: 'GC' }, 'required env variables [CNI_PATH] missing'],
  ['STATUS without path', { CNI_COMMAND: 'STATUS' }, 'required env variables [CNI_PATH] missing'],
];
for (const [name, env, msg] of missingCases) {
  test(`readCmdEnv reports missing variables together: ${name}`, () => {
    const err = envError(env);
    assert.is(err.code, 4);
    assert.is(err.message, msg);
  });
}

test('readCmdEnv does not require netns for DEL', () => {
  assert.is(readCmdEnv({ ...full, CNI_COMMAND: 'DEL', CNI_NETNS: '' }).netns, '');
});

test('readCmdEnv requires nothing but the command for VERSION', () => {
  assert.is(readCmdEnv({ CNI_COMMAND: 'VERSION' }).command, 'VERSION');
});

test('readCmdEnv rejects a container ID with bad characters, naming it in details', () => {
  const err = envError({ ...full, CNI_CONTAINERID: '-bad id' });
  assert.is(err.code, 4);
  assert.is(err.message, 'invalid characters in containerID');
  assert.is(err.details, '-bad id');
});

test('readCmdEnv validates a present variable before reporting missing ones', () => {
  const err = envError({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: '_x' });
  assert.is(err.message, 'invalid characters in containerID');
});

const ifnameCases: [string, string | undefined][] = [
  ['eth0', undefined],
  ['a23456789012345', undefined],
  ['a234567890123456', 'interface name is too long'],
  ['.', 'interface name is . or ..'],
  ['..', 'interface name is . or ..'],
  ['a/b', 'interface name contains / or : or whitespace characters'],
  ['a:b', 'interface name contains / or : or whitespace characters'],
  ['a b', 'interface name contains / or : or whitespace characters'],
  ['a\tb', 'interface name contains / or : or whitespace characters'],
  ['ééééééééé', 'interface name is too long'],
];
for (const [name, msg] of ifnameCases) {
  test(`validateIfname ${JSON.stringify(name)} -> ${msg ?? 'ok'}`, () => {
    const err = validateIfname(name);
    assert.is(err?.message, msg);
    if (err) assert.is(err.code, 4);
  });
}

test('validateIfname explains the length limit in details', () => {
  assert.is(validateIfname('x'.repeat(16))?.details, 'interface name should be less than 16 characters');
});

test('splitPath splits on colons and treats empty as no directory', () => {
  assert.equal(splitPath(''), []);
  assert.equal(splitPath('/a:/b'), ['/a', '/b']);
});

test.run();
