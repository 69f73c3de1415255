// Timing and reporting for `make bench`. Ours and the reference are measured in alternation
// (A B A B: one round runs ours, then the reference), so drift on a shared, noisy machine
// affects both; each metric is reported as median and p90 of its rounds, with ours/reference.
import { spawn, spawnSync } from 'node:child_process';

export interface Stats {
  readonly median: number;
  readonly p90: number;
}

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

export type Side = 'ours' | 'ref';
export type PerSide<T> = Record<Side, T>;

/**
 * `warmup + runs` rounds; each calls `once` for ours, then for the reference, and gets that
 * side's samples by metric (a round may time several steps). Warm-up rounds are dropped.
 */
export async function alternate<K extends string>(
  runs: number,
  warmup: number,
  once: (side: Side, round: number) => Record<K, number> | Promise<Record<K, number>>,
): Promise<Record<K, PerSide<Stats>>> {
  const samples = new Map<K, PerSide<number[]>>();
  for (let round = 0; round < warmup + runs; round++) {
    // A turn of the event loop, so a SIGINT/SIGTERM that came during synchronous runs is handled now.
    await new Promise((resolve) => setImmediate(resolve));
    for (const side of ['ours', 'ref'] as const) {
      const got = await once(side, round);
      if (round < warmup) continue;
      for (const [k, v] of Object.entries(got) as [K, number][]) {
        if (!samples.has(k)) samples.set(k, { ours: [], ref: [] });
        samples.get(k)![side].push(v);
      }
    }
  }
  return Object.fromEntries([...samples].map(([k, s]) => [k, { ours: stats(s.ours), ref: stats(s.ref) }])) as Record<K, PerSide<Stats>>;
}

export interface Command {
  readonly file: string;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

const failure = (cmd: Command, status: number | string | null, output: string): Error =>
  new Error(`${[cmd.file, ...(cmd.args ?? [])].join(' ')} failed (${status}): ${output.trim()}`);

/** Runs the command to completion: its wall time in ms and its stdout; throws with its output if it fails. */
export function timed(cmd: Command): { ms: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(cmd.file, cmd.args ?? [], { env: cmd.env, input: cmd.input ?? '', encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw failure(cmd, r.status ?? r.signal, `${r.error?.message ?? ''}${r.stdout}${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function runAsync(cmd: Command): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.file, cmd.args ?? [], { env: cmd.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(failure(cmd, code ?? signal, out))));
    child.stdin.end(cmd.input ?? '');
  });
}

/** Starts every command at once: the wall time in ms until the last one is done. */
export async function timedBatch(cmds: readonly Command[]): Promise<number> {
  const start = performance.now();
  await Promise.all(cmds.map(runAsync));
  return performance.now() - start;
}

export interface Row {
  readonly metric: string;
  readonly unit: 'ms' | 'MB';
  readonly stats: PerSide<Stats>;
  /** A difference of two timings: a ratio of two near-zero figures would mean nothing. */
  readonly difference?: true;
}

const cell = (s: Stats, unit: string): string => `${s.median.toFixed(1)} ${unit} (p90 ${s.p90.toFixed(1)})`;
const ratio = (r: Row): string => (r.difference ? '-' : `${(r.stats.ours.median / r.stats.ref.median).toFixed(2)}x`);

/** One line as soon as a metric is measured. */
export function printRow(r: Row): void {
  console.log(`  ${r.metric.padEnd(60)} ${cell(r.stats.ours, r.unit).padEnd(24)} ${cell(r.stats.ref, r.unit).padEnd(24)} ${ratio(r)}`);
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| metric | cni-ts | reference | ratio |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.metric} | ${cell(r.stats.ours, r.unit)} | ${cell(r.stats.ref, r.unit)} | ${ratio(r)} |`);
  return lines.join('\n');
}
