import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../lib/cni/errors.ts';
import type { Plugin } from '../../../lib/cni/plugin.ts';
import type { Result } from '../../../lib/cni/result.ts';
import { runPlugin } from '../../../lib/cni/skel.ts';
import type { PluginIO } from '../../../lib/cni/stdio.ts';
import { decodeConfig } from '../../../lib/config/decode.ts';
import { netConfSpec, type NetConf } from '../../helpers/netconf.ts';

const RESULT: Result = {
  cniVersion: '1.1.0',
  ips: [{ address: '10.0.0.2/24', gateway: '10.0.0.1' }],
  routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }],
};

interface Harness {
  calls: string[];
  plugin: Plugin<NetConf>;
}

function harness(overrides: Partial<Plugin<NetConf>> = {}): Harness {
  const calls: string[] = [];
  const plugin: Plugin<NetConf> = {
    name: 'fake',
    parseConfig: (raw) => decodeConfig(raw, netConfSpec),
    add: async () => {
      calls.push('ADD');
      return RESULT;
    },
    del: async () => {
      calls.push('DEL');
    },
    ...overrides,
  };
  return { calls, plugin };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const ATTACH = { CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/none', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' };

async function run(plugin: Plugin<NetConf>, env: Record<string, string>, stdin: unknown): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: PluginIO = {
    env,
    readStdin: async () => {
      if (stdin === undefined) throw new Error('stdin must not be read');
      return Buffer.from(typeof stdin === 'string' ? stdin : JSON.stringify(stdin));
    },
    writeStdout: (t) => (stdout += t),
    writeStderr: (t) => (stderr += t),
  };
  const code = await runPlugin(plugin, io);
  return { code, stdout, stderr };
}

const conf = (cniVersion: string, extra: object = {}): object => ({ cniVersion, name: 'net', type: 'fake', ...extra });

test('runPlugin prints the ADD result in the config version', async () => {
  const h = harness();
  const r = await run(h.plugin, { ...ATTACH, CNI_COMMAND: 'ADD' }, conf('0.2.0'));
  assert.is(r.code, 0);
  assert.equal(JSON.parse(r.stdout), {
    cniVersion: '0.2.0',
    ip4: { ip: '10.0.0.2/24', gateway: '10.0.0.1', routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }] },
    dns: {},
  });
  const r1 = await run(h.plugin, { ...ATTACH, CNI_COMMAND: 'ADD' }, conf('1.1.0'));
  assert.is(JSON.parse(r1.stdout).cniVersion, '1.1.0');
  assert.equal(h.calls, ['ADD', 'ADD']);
});

test('runPlugin does not read stdin for VERSION', async () => {
  const r = await run(harness().plugin, { CNI_COMMAND: 'VERSION' }, undefined);
  assert.is(r.code, 0);
  assert.is(JSON.parse(r.stdout).cniVersion, '1.1.0');
});

test('runPlugin succeeds without output for a verb the plugin leaves out', async () => {
  const h = harness();
  assert.equal(await run(h.plugin, { ...ATTACH, CNI_COMMAND: 'CHECK' }, conf('0.4.0')), { code: 0, stdout: '', stderr: '' });
  assert.equal(await run(h.plugin, { CNI_COMMAND: 'GC', CNI_PATH: '/x' }, conf('1.1.0')), { code: 0, stdout: '', stderr: '' });
  assert.equal(await run(h.plugin, { CNI_COMMAND: 'STATUS', CNI_PATH: '/x' }, conf('1.1.0')), { code: 0, stdout: '', stderr: '' });
  assert.equal(h.calls, []);
});

test('runPlugin reports a config the plugin rejects as code 7', async () => {
  const r = await run(harness().plugin, { ...ATTACH, CNI_COMMAND: 'DEL' }, conf('1.0.0', { ipam: 'host-local' }));
  assert.is(r.code, 1);
  const e = JSON.parse(r.stdout);
  assert.is(e.code, 7);
  assert.match(e.msg, /field "ipam" must be object/);
});

test('runPlugin passes a CNI error through with its code and details', async () => {
  const h = harness({
    add: async () => {
      throw new CniError(11, 'try later', 'lock busy');
    },
  });
  const r = await run(h.plugin, { ...ATTACH, CNI_COMMAND: 'ADD' }, conf('1.0.0'));
  assert.is(r.stdout, '{\n    "code": 11,\n    "msg": "try later",\n    "details": "lock busy"\n}');
});

test('runPlugin turns any other exception into code 999 with its message, no stack', async () => {
  const boom = harness({
    del: async () => {
      throw new TypeError('x is not a function');
    },
  });
  const r = await run(boom.plugin, { ...ATTACH, CNI_COMMAND: 'DEL' }, conf('1.0.0'));
  assert.is(r.code, 1);
  assert.equal(JSON.parse(r.stdout), { code: 999, msg: 'x is not a function' });
  const odd = harness({
    del: async () => {
      throw 'a string';
    },
  });
  assert.equal(JSON.parse((await run(odd.plugin, { ...ATTACH, CNI_COMMAND: 'DEL' }, conf('1.0.0'))).stdout), { code: 999, msg: 'a string' });
});

test('runPlugin refuses ADD and DEL in its own netns before calling the verb', async () => {
  const h = harness();
  const own = { ...ATTACH, CNI_NETNS: '/proc/self/ns/net' };
  for (const cmd of ['ADD', 'DEL']) {
    const r = await run(h.plugin, { ...own, CNI_COMMAND: cmd }, conf('1.0.0'));
    assert.is(JSON.parse(r.stdout).code, 8);
  }
  assert.equal(h.calls, []);
  for (const override of ['1', 'true', 'TRUE']) {
    const r = await run(h.plugin, { ...own, CNI_COMMAND: 'ADD', CNI_NETNS_OVERRIDE: override }, conf('1.0.0'));
    assert.is(r.code, 0);
  }
});

test('runPlugin reads cniVersion and name case-insensitively, as Go does', async () => {
  const r = await run(harness().plugin, { ...ATTACH, CNI_COMMAND: 'ADD' }, { CNIVERSION: '0.4.0', NAME: 'net', type: 'fake' });
  assert.is(r.code, 0);
  assert.is(JSON.parse(r.stdout).cniVersion, '0.4.0');
});

test('runPlugin rejects a config that is not an object, or a non-string name, as a decoding failure', async () => {
  for (const stdin of ['[1]', '"x"', '{"name": 5}']) {
    const r = await run(harness().plugin, { ...ATTACH, CNI_COMMAND: 'ADD' }, stdin);
    assert.is(JSON.parse(r.stdout).code, 6, stdin);
  }
  const nul = await run(harness().plugin, { ...ATTACH, CNI_COMMAND: 'ADD' }, 'null');
  assert.equal(JSON.parse(nul.stdout), { code: 7, msg: 'missing network name' });
});

test('runPlugin prints the about text for an empty command', async () => {
  const r = await run(harness().plugin, { CNI_COMMAND: '' }, undefined);
  assert.is(r.code, 0);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /^CNI fake plugin/);
});

test.run();
