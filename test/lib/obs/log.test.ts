import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError } from '../../../lib/cni/errors.ts';
import { appendLines, operationLines, type OperationRecord } from '../../../lib/obs/log.ts';
import { cleanup, tempDir } from '../../helpers/netns.ts';

test.after(cleanup);

const NOW = new Date('2026-12-03T15:31:57.260Z');
const op = (over: Partial<OperationRecord> = {}): OperationRecord => ({
  plugin: 'host-local',
  command: 'ADD',
  network: 'n',
  containerID: 'c1',
  ifname: 'eth0',
  netns: '/run/netns/p',
  ms: 3.14159,
  error: undefined,
  trace: { traceID: 'a'.repeat(32), spanID: 'b'.repeat(16), parentSpanID: 'c'.repeat(16), flags: '01' },
  did: { assigned: ['10.0.0.2/24'] },
  warnings: [],
  steps: [{ name: 'store', spanID: 'd'.repeat(16), ms: 1.5, at: NOW.getTime() }],
  ...over,
});

const parse = (text: string): Record<string, unknown>[] => text.trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('an operation line: every field, in this order', () => {
  assert.is(
    operationLines(op(), 'info', NOW),
    `{"time":"2026-12-03T15:31:57.260Z","level":"info","plugin":"host-local","command":"ADD","network":"n","containerID":"c1","ifname":"eth0","netns":"/run/netns/p","durationMs":3.142,"outcome":"ok","traceID":"${'a'.repeat(32)}","spanID":"${'b'.repeat(16)}","parentSpanID":"${'c'.repeat(16)}","did":{"assigned":["10.0.0.2/24"]}}\n`,
  );
});

test('a failure is an error line with the code and message; debug adds a line per step, a child span', () => {
  const [step, line] = parse(operationLines(op({ error: new CniError(11, 'no IP addresses available', 'range 0') }), 'debug', NOW)) as [Record<string, unknown>, Record<string, unknown>];
  assert.equal([step.level, step.step, step.durationMs, step.spanID, step.parentSpanID], ['debug', 'store', 1.5, 'd'.repeat(16), 'b'.repeat(16)]);
  assert.equal([line.level, line.outcome, line.error], ['error', 'error', { code: 11, msg: 'no IP addresses available', details: 'range 0' }]);
});

test('the level filters: error keeps only failures, warn adds warnings, info every operation', () => {
  assert.is(operationLines(op(), 'error', NOW), '');
  assert.is(operationLines(op(), 'warn', NOW), '');
  assert.is(parse(operationLines(op({ warnings: ['conntrack flush failed'] }), 'warn', NOW))[0]!.level, 'warn');
  assert.is(parse(operationLines(op({ error: new CniError(7, 'bad') }), 'error', NOW)).length, 1);
  assert.is(parse(operationLines(op(), 'info', NOW)).length, 1, 'no step lines below debug');
});

test('rotation at the size limit keeps one old file', () => {
  const dir = tempDir('obslog');
  const path = join(dir, 'cni.log');
  writeFileSync(path, 'x'.repeat(100));
  writeFileSync(`${path}.1`, 'older');
  appendLines(path, 'one\n', 100);
  assert.is(readFileSync(`${path}.1`, 'utf8'), 'x'.repeat(100));
  assert.is(readFileSync(path, 'utf8'), 'one\n');
  appendLines(path, 'two\n', 100);
  assert.is(readFileSync(path, 'utf8'), 'one\ntwo\n');
});

const BUN = resolve(import.meta.dirname, '../../../node_modules/@oven/bun-linux-x64-baseline/bin/bun');

test('writers at once never interleave within a line (O_APPEND, one write)', async () => {
  const dir = tempDir('obslog');
  const path = join(dir, 'cni.log');
  const module = resolve(import.meta.dirname, '../../../lib/obs/log.ts');
  const writer = (id: number): Promise<void> =>
    new Promise((done, fail) => {
      const script = `const { appendLines } = await import(${JSON.stringify(module)}); for (let i = 0; i < 200; i++) appendLines(${JSON.stringify(path)}, JSON.stringify({ id: ${id}, i, pad: 'p'.repeat(3000) }) + '\\n');`;
      spawn(BUN, ['-e', script], { stdio: 'inherit' }).on('exit', (code) => (code === 0 ? done() : fail(new Error(`writer ${id}: ${code}`))));
    });
  await Promise.all([0, 1, 2, 3].map(writer));
  const lines = parse(readFileSync(path, 'utf8'));
  assert.is(lines.length, 800);
});

test.run();
