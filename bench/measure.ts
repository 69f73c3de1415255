// Timing helpers for the benchmarks: run a command N times, report median and p90 wall time.
import { spawnSync } from 'node:child_process';

export interface Stats {
  readonly median: number;
  readonly p90: number;
  readonly runs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p90: percentile(sorted, 90), runs: sorted.length };
}

export interface Command {
  readonly file: string;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

/** Runs the command `runs` times (after `warmup` unmeasured runs); fails loudly if it fails. */
export function timeCommand(cmd: Command, runs: number, warmup = 3): Stats {
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd.file, cmd.args ?? [], { env: cmd.env, input: cmd.input ?? '', encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd.file} failed (${r.status}): ${r.stdout}${r.stderr}`);
    if (i >= warmup) samples.push(ms);
  }
  return stats(samples);
}

export const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

/** "1.8x" when the reference exists, else "n/a". */
export const ratio = (ours: number, ref: number | undefined): string => (ref ? `${(ours / ref).toFixed(2)}x` : 'n/a');
