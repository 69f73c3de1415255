// A chain ADD and DEL (bridge + host-local in-process + portmap) with logs and metrics on, run as
// a runtime runs it inside namespaces of the test's own: the JSON lines carry the fields and one
// trace, promtool accepts the metrics file, and Debian's node_exporter serves our series from it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN_DIR, type Outcome } from '../../helpers/exec.ts';
import { cleanup, execPluginIn, makeNetns, tempDir } from '../../helpers/netns.ts';
import { testUnless } from '../../helpers/skip.ts';

const PROMTOOL = '/usr/bin/promtool';
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

function ok(o: Outcome): Outcome {
  if (o.code !== 0) throw new Error(`plugin failed (${o.code}): ${o.stdout} ${o.stderr}`);
  return o;
}

interface Line {
  [key: string]: unknown;
  plugin: string;
  command: string;
  level: string;
  spanID: string;
  parentSpanID?: string;
  traceID: string;
}

function runChain(dir: string): { lines: Line[]; metricsDir: string } {
  const host = makeNetns('obsh');
  const pod = makeNetns('obsc');
  const logFile = join(dir, 'cni.log');
  const metricsDir = join(dir, 'metrics');
  const obs = { logFile, logLevel: 'debug', metricsDir };
  const bridge = { cniVersion: '1.1.0', name: 'obsnet', type: 'bridge', bridge: 'obsbr0', isGateway: true, ipMasq: true, ...obs, ipam: { type: 'host-local', subnet: '10.97.0.0/24', dataDir: join(dir, 'ipam') } };
  const portmap = (prevResult: object): object => ({ cniVersion: '1.1.0', name: 'obsnet', type: 'portmap', backend: 'iptables', ...obs, runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] }, prevResult });
  const exec = (plugin: string, command: string, stdin: object): Outcome =>
    execPluginIn(host, plugin, { command, containerID: 'obs-pod', netns: pod.path, ifname: 'eth0', path: BIN_DIR, stdin, env: { TRACEPARENT: `00-${TRACE}-${PARENT}-01`, CNI_TS_CONFIG: join(dir, 'none.json') } });
  const result = JSON.parse(ok(exec('bridge', 'ADD', bridge)).stdout);
  ok(exec('portmap', 'ADD', portmap(result)));
  ok(exec('portmap', 'DEL', portmap(result)));
  ok(exec('bridge', 'DEL', { ...bridge, prevResult: result }));
  const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Line);
  return { lines, metricsDir };
}

async function scrape(port: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      if (r.ok) return await r.text();
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error('node_exporter did not answer');
}

// One chain run for the three tests below, removed with its namespaces once they are done.
const dir = tempDir('obs');
let chain: { lines: Line[]; metricsDir: string } | undefined;
const ran = (): { lines: Line[]; metricsDir: string } => (chain ??= runChain(dir));
test.after(cleanup);

test('chain ADD/DEL: JSON lines with every field, one trace across plugins, and the metrics file', () => {
  const { lines, metricsDir } = ran();
  const ops = lines.filter((l) => l.level !== 'debug');
  assert.equal(
    ops.map((l) => `${l.plugin} ${l.command}`),
    ['host-local ADD', 'bridge ADD', 'portmap ADD', 'portmap DEL', 'host-local DEL', 'bridge DEL'],
  );
  for (const l of lines) {
    assert.is(l.traceID, TRACE);
    assert.match(l.spanID, /^[0-9a-f]{16}$/);
    assert.match(String(l.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    assert.type(l.durationMs, 'number');
  }
  for (const l of ops) {
    assert.equal([l.network, l.containerID, l.ifname, l.outcome, l.level], ['obsnet', 'obs-pod', 'eth0', 'ok', 'info']);
    assert.match(String(l.netns), /^\/run\/netns\/cnits-obsc-/);
  }
  const [hlAdd, brAdd, pmAdd, , hlDel, brDel] = ops as [Line, Line, Line, Line, Line, Line];
  assert.is(brAdd.parentSpanID, PARENT, 'bridge is a child of the runtime span');
  assert.is(pmAdd.parentSpanID, PARENT);
  assert.is(hlAdd.parentSpanID, brAdd.spanID, 'host-local is a child of bridge');
  assert.is(hlDel.parentSpanID, brDel.spanID);
  assert.equal((hlAdd.did as { assigned: string[] }).assigned, ['10.97.0.2/24']);
  assert.equal((hlDel.did as { released: string[] }).released, ['10.97.0.2']);
  assert.equal((pmAdd.did as { mapped: string[] }).mapped, ['tcp *:8080 -> 80']);
  assert.equal((brAdd.did as { addresses: string[] }).addresses, ['10.97.0.2/24']);
  const steps = lines.filter((l) => l.level === 'debug' && l.plugin === 'bridge').map((l) => l.step);
  assert.ok(steps.includes('veth') && steps.includes('ipam'), `bridge steps: ${steps}`);
  for (const l of lines.filter((l) => l.level === 'debug' && l.plugin === 'bridge' && l.command === 'ADD')) assert.is(l.parentSpanID, brAdd.spanID);

  const prom = readFileSync(join(metricsDir, 'cni-ts.prom'), 'utf8');
  assert.match(prom, 'cni_ts_operations_total{plugin="bridge",command="ADD",result="ok"} 1\n');
  assert.match(prom, 'cni_ts_ipam_addresses_allocated{network="obsnet",range="10.97.0.1-10.97.0.254"} 0\n');
  assert.match(prom, 'cni_ts_ipam_addresses_capacity{network="obsnet",range="10.97.0.1-10.97.0.254"} 253\n');
  assert.match(prom, 'cni_ts_operation_duration_seconds_count{plugin="portmap",command="DEL"} 1\n');
});

testUnless(test, existsSync(PROMTOOL) ? undefined : `${PROMTOOL} missing (Debian package prometheus)`, 'promtool check metrics accepts the metrics file', () => {
  const prom = readFileSync(join(ran().metricsDir, 'cni-ts.prom'), 'utf8');
  const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: prom, encoding: 'utf8' });
  assert.is(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
});

testUnless(test, existsSync(NODE_EXPORTER) ? undefined : `${NODE_EXPORTER} missing (Debian package prometheus-node-exporter)`, "Debian's node_exporter serves our series from the metrics directory", async () => {
  const { metricsDir } = ran();
  const port = 20000 + (process.pid % 20000);
  const exporter = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${metricsDir}`], { stdio: 'ignore' });
  try {
    const served = await scrape(port);
    assert.match(served, 'cni_ts_operations_total{command="ADD",plugin="host-local",result="ok"} 1');
    assert.match(served, 'cni_ts_operation_duration_seconds_bucket{command="DEL",plugin="bridge",le="+Inf"} 1');
    assert.match(served, 'cni_ts_ipam_addresses_capacity{network="obsnet",range="10.97.0.1-10.97.0.254"} 253');
    assert.match(served, '\nnode_textfile_scrape_error 0\n');
  } finally {
    exporter.kill();
  }
});

test.run();
