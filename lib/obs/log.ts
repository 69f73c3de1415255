// The per-operation log: JSON lines appended with O_APPEND, all lines of an operation in one
// write(2), so plugins running at once never interleave within a line. The file is rotated at
// MAX_LOG_BYTES to `<file>.1` (one old file kept).
import { closeSync, fstatSync, openSync, renameSync, statSync } from 'node:fs';
import type { CniError } from '../cni/errors.ts';
import { appendFile, flock } from '../native/index.ts';
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

/** The operation's lines at `threshold`: its step lines (debug), then its own line; '' for none.
 *  Objects are built field by field, without spreads: this runs once a process, cold. */
export function operationLines(op: OperationRecord, threshold: Level, now: Date): string {
  const level: Level = op.error ? 'error' : op.warnings.length > 0 ? 'warn' : 'info';
  if (rank(level) > rank(threshold)) return '';
  const line = (time: string, level: Level): Record<string, unknown> => ({
    time,
    level,
    plugin: op.plugin,
    command: op.command,
    network: op.network,
    containerID: op.containerID,
    ifname: op.ifname,
    netns: op.netns,
  });
  let text = '';
  if (threshold === 'debug') {
    for (const s of op.steps) {
      const step = line(new Date(s.at).toISOString(), 'debug');
      step.step = s.name;
      step.durationMs = round(s.ms);
      step.traceID = op.trace.traceID;
      step.spanID = s.spanID;
      step.parentSpanID = op.trace.spanID;
      text += `${JSON.stringify(step)}\n`;
    }
  }
  const own = line(now.toISOString(), level);
  own.durationMs = round(op.ms);
  own.outcome = op.error ? 'error' : 'ok';
  if (op.error) own.error = op.error.details ? { code: op.error.code, msg: op.error.message, details: op.error.details } : { code: op.error.code, msg: op.error.message };
  own.traceID = op.trace.traceID;
  own.spanID = op.trace.spanID;
  if (op.trace.parentSpanID) own.parentSpanID = op.trace.parentSpanID;
  if (Object.keys(op.did).length > 0) own.did = op.did;
  if (op.warnings.length > 0) own.warnings = op.warnings;
  return `${text}${JSON.stringify(own)}\n`;
}

/**
 * Appends `text` (whole lines) in one write. A file that has reached `max` bytes is first renamed
 * to `<path>.1` by whoever gets its lock; a writer that opened it before the rename appends to the
 * old file, which loses nothing.
 */
export function appendLines(path: string, text: string, max = MAX_LOG_BYTES): void {
  if (appendFile(path, text, 0o640, max)) return;
  rotate(path, max);
  appendFile(path, text, 0o640, Number.MAX_SAFE_INTEGER);
}

/** Renames a full log to `<path>.1`, unless another writer is doing it or has done it. */
function rotate(path: string, max: number): void {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.size < max) return;
    flock(fd, 'ex', true);
    const now = statSync(path);
    if (now.ino === st.ino && now.dev === st.dev) renameSync(path, `${path}.1`);
  } catch {
    // Another writer is rotating it.
  } finally {
    closeSync(fd);
  }
}
