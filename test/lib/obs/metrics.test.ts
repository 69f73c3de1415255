import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../lib/cni/errors.ts';
import { applyOperation, emptyState, PROM_FILE, renderMetrics, LOCK_FILE, snapshotMetrics, SPARE_FILE, updateMetrics } from '../../../lib/obs/metrics.ts';
import { cleanup, tempDir } from '../../helpers/netns.ts';
import { operationRecord } from '../../helpers/obs.ts';

test.after(cleanup);

const op = operationRecord;

test('operations count by result; the duration goes into its bucket; a failure stamps the last error', () => {
  const s = emptyState();
  applyOperation(s, op(), [], 100);
  applyOperation(s, op({ ms: 30 }), [], 101);
  applyOperation(s, op({ error: new CniError(11, 'busy') }), [], 102);
  const text = renderMetrics(s);
  assert.match(text, 'cni_ts_operations_total{plugin="portmap",command="ADD",result="ok"} 2\n');
  assert.match(text, 'cni_ts_operations_total{plugin="portmap",command="ADD",result="error"} 1\n');
  assert.match(text, 'cni_ts_operation_duration_seconds_bucket{plugin="portmap",command="ADD",le="0.01"} 0\n');
  assert.match(text, 'cni_ts_operation_duration_seconds_bucket{plugin="portmap",command="ADD",le="0.025"} 2\n');
  assert.match(text, 'cni_ts_operation_duration_seconds_bucket{plugin="portmap",command="ADD",le="0.05"} 3\n');
  assert.match(text, 'cni_ts_operation_duration_seconds_bucket{plugin="portmap",command="ADD",le="+Inf"} 3\n');
  assert.match(text, 'cni_ts_operation_duration_seconds_count{plugin="portmap",command="ADD"} 3\n');
  assert.match(text, 'cni_ts_last_error_timestamp_seconds{plugin="portmap",command="ADD"} 102\n');
});

test('portmap mappings: ADD sets an attachment, DEL removes it from any backend, GC releases the rest', () => {
  const s = emptyState();
  applyOperation(s, op(), [{ kind: 'portmap', network: 'n', backend: 'iptables', attachment: 'c1/eth0', mappings: 2 }], 1);
  applyOperation(s, op({ containerID: 'c2' }), [{ kind: 'portmap', network: 'n', backend: 'nftables', attachment: 'c2/eth0', mappings: 1 }], 1);
  applyOperation(s, op({ containerID: 'c3' }), [{ kind: 'portmap', network: 'n', backend: 'iptables', attachment: 'c3/eth0', mappings: 3 }], 1);
  assert.match(renderMetrics(s), 'cni_ts_portmap_mappings{network="n",backend="iptables"} 5\n');
  applyOperation(s, op({ command: 'DEL' }), [{ kind: 'portmap', network: 'n', backend: '', attachment: 'c1/eth0', mappings: 0 }], 1);
  applyOperation(s, op({ command: 'GC' }), [{ kind: 'portmap-keep', network: 'n', keep: ['c2/eth0'] }], 1);
  const text = renderMetrics(s);
  assert.match(text, 'cni_ts_portmap_mappings{network="n",backend="iptables"} 0\n');
  assert.match(text, 'cni_ts_portmap_mappings{network="n",backend="nftables"} 1\n');
  assert.match(text, 'cni_ts_gc_released_total{plugin="portmap",kind="port mapping"} 3\n');
});

test('IPAM usage replaces the network ranges; label values are escaped', () => {
  const s = emptyState();
  applyOperation(s, op({ plugin: 'host-local' }), [{ kind: 'ipam', network: 'n', ranges: [{ range: '10.0.0.1-10.0.0.254', allocated: 3, capacity: 253 }] }], 1);
  applyOperation(s, op({ plugin: 'host-local', command: 'GC' }), [{ kind: 'released', what: 'address', count: 2 }, { kind: 'ipam', network: 'n', ranges: [{ range: '10.0.0.1-10.0.0.254', allocated: 1, capacity: 253 }] }], 1);
  applyOperation(s, op({ plugin: 'a"b\\c' }), [], 1);
  const text = renderMetrics(s);
  assert.match(text, 'cni_ts_ipam_addresses_allocated{network="n",range="10.0.0.1-10.0.0.254"} 1\n');
  assert.match(text, 'cni_ts_ipam_addresses_capacity{network="n",range="10.0.0.1-10.0.0.254"} 253\n');
  assert.match(text, 'cni_ts_gc_released_total{plugin="host-local",kind="address"} 2\n');
  assert.match(text, 'plugin="a\\"b\\\\c"');
});

test('the file: counters add up across invocations, exchanged with the spare; promtool accepts it', () => {
  const dir = join(tempDir('obsmet'), 'made/by/us');
  updateMetrics(dir, [{ record: op(), samples: [] }], 1);
  updateMetrics(dir, [{ record: op(), samples: [] }], 2);
  const text = readFileSync(join(dir, PROM_FILE), 'utf8');
  assert.match(text, 'cni_ts_operations_total{plugin="portmap",command="ADD",result="ok"} 2\n');
  assert.equal(readdirSync(dir).sort(), [SPARE_FILE, LOCK_FILE, PROM_FILE]);
  assert.match(text, /\n# cni-ts-state \{.*\}\n$/);
  if (existsSync('/usr/bin/promtool')) {
    const r = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.is(r.status, 0, r.stdout + r.stderr);
  }
});

test('a file read earlier is replaced only if no one wrote it since: else the update reads it again', () => {
  const dir = tempDir('obsmet');
  updateMetrics(dir, [{ record: op(), samples: [] }], 1);
  const seen = snapshotMetrics(dir);
  updateMetrics(dir, [{ record: op(), samples: [] }], 2, seen);
  assert.match(readFileSync(join(dir, PROM_FILE), 'utf8'), 'result="ok"} 2\n');
  updateMetrics(dir, [{ record: op(), samples: [] }], 3, seen);
  assert.match(readFileSync(join(dir, PROM_FILE), 'utf8'), 'result="ok"} 3\n', 'a stale read loses no count');
});

test('a damaged state line starts the counters again instead of failing', () => {
  const dir = tempDir('obsmet');
  updateMetrics(dir, [{ record: op(), samples: [] }], 1);
  spawnSync('sed', ['-i', 's/^# cni-ts-state .*/# cni-ts-state {"ops": [/', join(dir, PROM_FILE)]);
  updateMetrics(dir, [{ record: op(), samples: [] }], 2);
  assert.match(readFileSync(join(dir, PROM_FILE), 'utf8'), 'result="ok"} 1\n');
});

const BUN = resolve(import.meta.dirname, '../../../node_modules/@oven/bun-linux-x64-baseline/bin/bun');

test('invocations at once lose no count (the state lock)', async () => {
  const dir = tempDir('obsmet');
  const module = resolve(import.meta.dirname, '../../../lib/obs/metrics.ts');
  const record = JSON.stringify(op());
  const writer = (): Promise<void> =>
    new Promise((done, fail) => {
      const script = `const { updateMetrics } = await import(${JSON.stringify(module)}); for (let i = 0; i < 50; i++) updateMetrics(${JSON.stringify(dir)}, [{ record: ${record}, samples: [] }], 1);`;
      spawn(BUN, ['-e', script], { stdio: 'inherit' }).on('exit', (code) => (code === 0 ? done() : fail(new Error(`writer: ${code}`))));
    });
  await Promise.all([writer(), writer(), writer(), writer()]);
  const text = readFileSync(join(dir, PROM_FILE), 'utf8');
  assert.match(text, 'cni_ts_operations_total{plugin="portmap",command="ADD",result="ok"} 200\n', text.split('\n')[2]);
});

test.run();
