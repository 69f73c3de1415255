// The dispatcher's observability: one record per operation when logs or metrics are configured,
// the verb's facts in it, nothing at all when they are not.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../lib/cni/errors.ts';
import type { Plugin } from '../../../lib/cni/plugin.ts';
import { runPlugin } from '../../../lib/cni/skel.ts';
import { decodeConfig } from '../../../lib/config/decode.ts';
import { PROM_FILE, updateMetrics } from '../../../lib/obs/metrics.ts';
import { OFF } from '../../../lib/obs/observer.ts';
import { cleanup, tempDir } from '../../helpers/netns.ts';
import { operationRecord } from '../../helpers/obs.ts';
import { netConfSpec, type NetConf } from '../../helpers/netconf.ts';

test.after(cleanup);

const ENV = { CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/none', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' };
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function plugin(seen: { obs?: unknown; traceEnv?: unknown }): Plugin<NetConf> {
  return {
    name: 'fake',
    parseConfig: (raw) => decodeConfig(raw, netConfSpec),
    add: async (req) => {
      seen.obs = req.obs;
      seen.traceEnv = req.obs.traceEnv;
      const end = req.obs.step('work');
      end();
      req.obs.did({ assigned: ['10.0.0.2/24'] });
      req.obs.did({ assigned: ['fd00::2/64'] });
      return { cniVersion: '1.1.0' };
    },
    del: async () => {
      throw new CniError(11, 'busy');
    },
  };
}

async function run(p: Plugin<NetConf>, env: Record<string, string>, stdin: object): Promise<number> {
  return runPlugin(p, { env, readStdin: async () => Buffer.from(JSON.stringify(stdin)), writeStdout: () => {}, writeStderr: () => {} });
}

const lines = (path: string): Record<string, unknown>[] => readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));

test('nothing configured: the verb gets OFF and no file is written', async () => {
  const dir = tempDir('skelobs');
  const seen: { obs?: unknown } = {};
  const code = await run(plugin(seen), { ...ENV, CNI_COMMAND: 'ADD', CNI_TS_CONFIG: join(dir, 'absent.json') }, { cniVersion: '1.1.0', name: 'net', type: 'fake' });
  assert.is(code, 0);
  assert.is(seen.obs, OFF);
});

test('logFile in the config: one line with the facts merged, debug step lines, the trace handed on', async () => {
  const dir = tempDir('skelobs');
  const log = join(dir, 'cni.log');
  const seen: { traceEnv?: Record<string, string> } = {};
  const env = { ...ENV, CNI_COMMAND: 'ADD', CNI_TS_CONFIG: join(dir, 'absent.json'), TRACEPARENT };
  await run(plugin(seen), env, { cniVersion: '1.1.0', name: 'net', type: 'fake', logFile: log, logLevel: 'debug' });
  const [step, line] = lines(log) as [Record<string, unknown>, Record<string, unknown>];
  assert.is(step.step, 'work');
  assert.equal([line.plugin, line.command, line.network, line.containerID, line.outcome], ['fake', 'ADD', 'net', 'c1', 'ok']);
  assert.equal(line.did, { assigned: ['10.0.0.2/24', 'fd00::2/64'] });
  assert.is(line.parentSpanID, '00f067aa0ba902b7');
  assert.equal(seen.traceEnv, { TRACEPARENT: `00-4bf92f3577b34da6a3ce929d0e0e4736-${line.spanID}-01` });
});

test('the node-wide file alone: a failed verb and a refused environment are logged as errors', async () => {
  const dir = tempDir('skelobs');
  const log = join(dir, 'node.log');
  const node = join(dir, 'cni-ts.json');
  writeFileSync(node, JSON.stringify({ logFile: log, metricsDir: join(dir, 'metrics') }));
  await run(plugin({}), { ...ENV, CNI_COMMAND: 'DEL', CNI_TS_CONFIG: node }, { cniVersion: '1.1.0', name: 'net', type: 'fake' });
  await run(plugin({}), { CNI_COMMAND: 'ADD', CNI_TS_CONFIG: node }, { cniVersion: '1.1.0', name: 'net', type: 'fake' });
  const [del, refused] = lines(log) as [Record<string, unknown>, Record<string, unknown>];
  assert.equal([del.level, del.outcome, del.error], ['error', 'error', { code: 11, msg: 'busy' }]);
  assert.equal([refused.command, refused.network, (refused.error as { code: number }).code], ['ADD', '', 4]);
  assert.ok(existsSync(join(dir, 'metrics/cni-ts.prom')));
});

test('a log file that cannot be written costs the operation nothing', async () => {
  const code = await run(plugin({}), { ...ENV, CNI_COMMAND: 'ADD', CNI_TS_CONFIG: '/nonexistent' }, { cniVersion: '1.1.0', name: 'net', type: 'fake', logFile: '/nonexistent/dir/cni.log', metricsDir: '/proc/nope' });
  assert.is(code, 0);
});

test('a bad logLevel in the config is a config error naming the field', async () => {
  let out = '';
  const code = await runPlugin(plugin({}), {
    env: { ...ENV, CNI_COMMAND: 'ADD', CNI_TS_CONFIG: '/nonexistent' },
    readStdin: async () => Buffer.from(JSON.stringify({ cniVersion: '1.1.0', name: 'net', type: 'fake', logLevel: 'verbose' })),
    writeStdout: (t) => (out += t),
    writeStderr: () => {},
  });
  assert.is(code, 1);
  assert.equal(JSON.parse(out).code, 7);
  assert.match(JSON.parse(out).msg, 'field "logLevel"');
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const count = (dir: string, plugin: string): number =>
  Number(new RegExp(`cni_ts_operations_total\\{plugin="${plugin}",command="ADD",result="ok"\\} (\\d+)`).exec(readFileSync(join(dir, PROM_FILE), 'utf8'))?.[1] ?? 0);

test('a verb that waits: the writer is warmed meanwhile, and a metrics update made by another process in between is kept', async () => {
  const dir = tempDir('skelobs');
  const conf = { cniVersion: '1.1.0', name: 'net', type: 'waiting', logFile: join(dir, 'cni.log'), metricsDir: dir };
  const another = {
    record: operationRecord({ plugin: 'other', network: 'net', containerID: 'c2' }),
    samples: [],
  };
  const waiting: Plugin<NetConf> = {
    name: 'waiting',
    parseConfig: (raw) => decodeConfig(raw, netConfSpec),
    add: async () => {
      await sleep(20);
      assert.is(readFileSync(join(dir, 'cni.log'), 'utf8'), '', 'warmed: the log is made, nothing written to it');
      updateMetrics(dir, [another], 1);
      return { cniVersion: '1.1.0' };
    },
  };
  assert.is(await run(waiting, { ...ENV, CNI_COMMAND: 'ADD', CNI_TS_CONFIG: join(dir, 'absent.json') }, conf), 0);
  assert.equal([count(dir, 'other'), count(dir, 'waiting')], [1, 1]);
  assert.equal(lines(join(dir, 'cni.log')).map((l) => l.plugin), ['waiting']);
});

test('a plugin run in-process inside another one joins its single log append and metrics update', async () => {
  const dir = tempDir('skelobs');
  const conf = { cniVersion: '1.1.0', name: 'net', logFile: join(dir, 'cni.log'), metricsDir: dir };
  const env = { ...ENV, CNI_COMMAND: 'ADD', CNI_TS_CONFIG: join(dir, 'absent.json') };
  const inner: Plugin<NetConf> = {
    name: 'inner',
    parseConfig: (raw) => decodeConfig(raw, netConfSpec),
    add: async (req) => {
      req.obs.sample(() => ({ kind: 'released', what: 'address', count: 2 }));
      return { cniVersion: '1.1.0' };
    },
  };
  const outer: Plugin<NetConf> = {
    name: 'outer',
    parseConfig: (raw) => decodeConfig(raw, netConfSpec),
    add: async () => {
      assert.is(await run(inner, env, { ...conf, type: 'inner' }), 0);
      assert.not.ok(existsSync(join(dir, PROM_FILE)), 'nothing written before the outer one ends');
      await sleep(20);
      return { cniVersion: '1.1.0' };
    },
  };
  assert.is(await run(outer, env, { ...conf, type: 'outer' }), 0);
  assert.equal(lines(join(dir, 'cni.log')).map((l) => l.plugin), ['inner', 'outer']);
  assert.equal([count(dir, 'inner'), count(dir, 'outer')], [1, 1]);
  assert.match(readFileSync(join(dir, PROM_FILE), 'utf8'), 'cni_ts_gc_released_total{plugin="inner",kind="address"} 2\n');
});

test.run();
