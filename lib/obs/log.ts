// The per-operation log: JSON lines appended with O_APPEND, all lines of an operation in one
// write(2), so plugins running at once never interleave within a line. The file is rotated at
// MAX_LOG_BYTES to `<file>.1` (one old file kept).
import { closeSync, fstatSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import type { CniError } from '../cni/errors.ts';
import { flock } from '../native/index.ts';
import type { Identity } from './operation.ts';
import { LEVELS, type Level } from './settings.ts';
import type { TraceContext } from './trace.ts';

export const MAX_LOG_BYTES = 10 * 1024 * 1024;

export interface Step {
  readonly name: string;
  readonly spanID: string;
  readonly ms: number;
  /** When it ended, ms since the epoch. */
  readonly at: number;
}

export interface OperationRecord extends Identity {
  readonly ms: number;
  readonly error: CniError | undefined;
  readonly trace: TraceContext;
  readonly did: Readonly<Record<string, unknown>>;
  readonly warnings: readonly string[];
  readonly steps: readonly Step[];
}

const rank = (l: Level): number => LEVELS.indexOf(l);
const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** The operation's lines at `threshold`: its step lines (debug), then its own line; '' for none. */
export function operationLines(op: OperationRecord, threshold: Level, now: Date): string {
  const level: Level = op.error ? 'error' : op.warnings.length > 0 ? 'warn' : 'info';
  if (rank(level) > rank(threshold)) return '';
  const who = { plugin: op.plugin, command: op.command, network: op.network, containerID: op.containerID, ifname: op.ifname, netns: op.netns };
  const trace = { traceID: op.trace.traceID, spanID: op.trace.spanID, ...(op.trace.parentSpanID && { parentSpanID: op.trace.parentSpanID }) };
  let text = '';
  if (threshold === 'debug') {
    for (const s of op.steps) {
      const line = { time: new Date(s.at).toISOString(), level: 'debug', ...who, step: s.name, durationMs: round(s.ms), traceID: op.trace.traceID, spanID: s.spanID, parentSpanID: op.trace.spanID };
      text += `${JSON.stringify(line)}\n`;
    }
  }
  const outcome = op.error ? { outcome: 'error', error: { code: op.error.code, msg: op.error.message, ...(op.error.details && { details: op.error.details }) } } : { outcome: 'ok' };
  const line = {
    time: now.toISOString(),
    level,
    ...who,
    durationMs: round(op.ms),
    ...outcome,
    ...trace,
    ...(Object.keys(op.did).length > 0 && { did: op.did }),
    ...(op.warnings.length > 0 && { warnings: op.warnings }),
  };
  return `${text}${JSON.stringify(line)}\n`;
}

/**
 * Appends `text` (whole lines) in one write. A file that has reached `max` bytes is first renamed
 * to `<path>.1` by whoever gets its lock; a writer that opened it before the rename appends to the
 * old file, which loses nothing.
 */
export function appendLines(path: string, text: string, max = MAX_LOG_BYTES): void {
  let fd = openSync(path, 'a', 0o640);
  try {
    const st = fstatSync(fd);
    if (st.size >= max) {
      let rotated = false;
      try {
        flock(fd, 'ex', true);
        const now = statSync(path);
        if (now.ino === st.ino && now.dev === st.dev) {
          renameSync(path, `${path}.1`);
          rotated = true;
        }
      } catch {
        // Another writer is rotating it: append to the old file.
      }
      if (rotated) {
        closeSync(fd);
        fd = openSync(path, 'a', 0o640);
      }
    }
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
