// The loopback plugin through the dispatcher: GC and STATUS succeed without output, DEL with an
// empty CNI_NETNS reads no config, bad ADD input gets the skel's and the decoder's errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runPlugin } from '../../../lib/cni/skel.ts';
import { loopback } from '../../../plugins/loopback/plugin.ts';

async function run(env: Record<string, string>, stdin: unknown): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runPlugin(loopback, {
    env: { CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin', ...env },
    readStdin: async () => Buffer.from(typeof stdin === 'string' ? stdin : JSON.stringify(stdin)),
    writeStdout: (t) => (stdout += t),
    writeStderr: () => {},
  });
  return { code, stdout };
}

const conf = (cniVersion: string, extra: object = {}): object => ({ cniVersion, name: 'lonet', type: 'loopback', ...extra });

test('plugin: GC and STATUS (1.1.0) succeed with no output', async () => {
  for (const command of ['GC', 'STATUS']) assert.equal(await run({ CNI_COMMAND: command }, conf('1.1.0')), { code: 0, stdout: '' }, command);
});

test('plugin: DEL with an empty CNI_NETNS succeeds in every version, whatever the other fields', async () => {
  for (const v of ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']) {
    assert.equal(await run({ CNI_COMMAND: 'DEL', CNI_NETNS: '' }, conf(v, { prevResult: 5 })), { code: 0, stdout: '' }, v);
  }
});

test('plugin: ADD with a field of the wrong type is code 7 before any namespace is opened', async () => {
  const r = await run({ CNI_COMMAND: 'ADD', CNI_NETNS: '/run/netns/never-opened' }, conf('1.0.0', { type: 5 }));
  assert.is(r.code, 1);
  const e = JSON.parse(r.stdout);
  assert.is(e.code, 7);
  assert.match(e.msg, /^failed to parse network config: .*"type"/);
});

test('plugin: the skel refuses a version it does not know, and CHECK below 0.4.0', async () => {
  assert.is(JSON.parse((await run({ CNI_COMMAND: 'ADD', CNI_NETNS: '/x' }, conf('0.5.0'))).stdout).code, 1);
  assert.is(JSON.parse((await run({ CNI_COMMAND: 'CHECK', CNI_NETNS: '/x' }, conf('0.3.1'))).stdout).msg, 'config version does not allow CHECK');
});

test.run();
