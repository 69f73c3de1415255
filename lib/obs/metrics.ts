// The Prometheus text file for node_exporter's textfile collector (<metricsDir>/cni-ts.prom).
// Every invocation with metrics on takes the lock (cni-ts.lock beside it, never written), reads
// the state that the file carries in its last line (a comment, which Prometheus parsers skip),
// folds its operations and samples into it, and writes the file beside and renames it over, so
// the collector never reads a partial file. Counters survive across the short-lived processes in
// that line; one file written per update (a separate state file rewritten in place cost 0.5-2 ms
// more on ext4, which flushes a file truncated and rewritten).
import { closeSync, constants, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flock } from '../native/index.ts';
import type { OperationRecord } from './log.ts';
import type { RangeUsage, Sample } from './observer.ts';

export const PROM_FILE = 'cni-ts.prom';
export const LOCK_FILE = 'cni-ts.lock';
const STATE_MARK = '# cni-ts-state ';

/** Upper bounds in seconds: a plugin takes 5 ms to seconds (a DEL waits for the kernel's veth removal). */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Histogram {
  /** Per bucket, not cumulative; the last one is +Inf. */
  counts: number[];
  sum: number;
}

/** Keys are JSON arrays of label values. */
export interface MetricsState {
  ops: Record<string, number>;
  durations: Record<string, Histogram>;
  /** network -> its ranges. */
  ipam: Record<string, RangeUsage[]>;
  /** [network, backend] -> attachment -> mappings. */
  portmap: Record<string, Record<string, number>>;
  released: Record<string, number>;
  lastError: Record<string, number>;
}

export const emptyState = (): MetricsState => ({ ops: {}, durations: {}, ipam: {}, portmap: {}, released: {}, lastError: {} });

const key = (...labels: string[]): string => JSON.stringify(labels);

function released(state: MetricsState, plugin: string, what: string, count: number): void {
  if (count <= 0) return;
  const k = key(plugin, what);
  state.released[k] = (state.released[k] ?? 0) + count;
}

function applySample(state: MetricsState, plugin: string, s: Sample): void {
  switch (s.kind) {
    case 'ipam':
      state.ipam[s.network] = [...s.ranges];
      return;
    case 'portmap': {
      // An attachment's mappings live on one backend: a DEL or re-ADD replaces them on every one.
      for (const [k, held] of Object.entries(state.portmap)) if ((JSON.parse(k) as string[])[0] === s.network) delete held[s.attachment];
      if (s.mappings > 0) (state.portmap[key(s.network, s.backend)] ??= {})[s.attachment] = s.mappings;
      return;
    }
    case 'portmap-keep': {
      const keep = new Set(s.keep);
      for (const [k, held] of Object.entries(state.portmap)) {
        if ((JSON.parse(k) as string[])[0] !== s.network) continue;
        for (const [a, n] of Object.entries(held)) {
          if (keep.has(a)) continue;
          delete held[a];
          released(state, plugin, 'port mapping', n);
        }
      }
      return;
    }
    case 'released':
      released(state, plugin, s.what, s.count);
  }
}

/** Folds one finished operation into the state; `now` in seconds since the epoch. */
export function applyOperation(state: MetricsState, op: OperationRecord, samples: readonly Sample[], now: number): MetricsState {
  const result = op.error ? 'error' : 'ok';
  const ops = key(op.plugin, op.command, result);
  state.ops[ops] = (state.ops[ops] ?? 0) + 1;
  const seconds = op.ms / 1000;
  const h = (state.durations[key(op.plugin, op.command)] ??= { counts: new Array<number>(BUCKETS.length + 1).fill(0), sum: 0 });
  const at = BUCKETS.findIndex((b) => seconds <= b);
  h.counts[at < 0 ? BUCKETS.length : at]! += 1;
  h.sum += seconds;
  if (op.error) state.lastError[key(op.plugin, op.command)] = now;
  for (const s of samples) applySample(state, op.plugin, s);
  return state;
}

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (names: readonly string[], values: readonly string[], extra = ''): string =>
  `{${names.map((n, i) => `${n}="${escape(values[i] ?? '')}"`).join(',')}${extra}}`;
const sorted = <T>(rec: Record<string, T>): [string[], T][] =>
  Object.keys(rec)
    .sort()
    .map((k) => [JSON.parse(k) as string[], rec[k]!]);

function family(name: string, type: string, help: string, lines: string[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${lines.join('')}`;
}

/** The state in Prometheus text format (version 0.0.4). */
export function renderMetrics(state: MetricsState): string {
  const ops = sorted(state.ops).map(([l, n]) => `cni_ts_operations_total${labels(['plugin', 'command', 'result'], l)} ${n}\n`);
  const durations = sorted(state.durations).flatMap(([l, h]) => {
    const lbl = (le: string): string => labels(['plugin', 'command'], l, `,le="${le}"`);
    let cumulative = 0;
    const buckets = [...BUCKETS.map(String), '+Inf'].map((le, i) => {
      cumulative += h.counts[i] ?? 0;
      return `cni_ts_operation_duration_seconds_bucket${lbl(le)} ${cumulative}\n`;
    });
    const base = labels(['plugin', 'command'], l);
    return [...buckets, `cni_ts_operation_duration_seconds_sum${base} ${h.sum}\n`, `cni_ts_operation_duration_seconds_count${base} ${cumulative}\n`];
  });
  const ranges = Object.keys(state.ipam)
    .sort()
    .flatMap((network) => state.ipam[network]!.map((r) => ({ network, ...r })));
  const allocated = ranges.map((r) => `cni_ts_ipam_addresses_allocated${labels(['network', 'range'], [r.network, r.range])} ${r.allocated}\n`);
  const capacity = ranges.map((r) => `cni_ts_ipam_addresses_capacity${labels(['network', 'range'], [r.network, r.range])} ${r.capacity}\n`);
  const mappings = sorted(state.portmap).map(([l, held]) => `cni_ts_portmap_mappings${labels(['network', 'backend'], l)} ${Object.values(held).reduce((a, b) => a + b, 0)}\n`);
  const gc = sorted(state.released).map(([l, n]) => `cni_ts_gc_released_total${labels(['plugin', 'kind'], l)} ${n}\n`);
  const lastError = sorted(state.lastError).map(([l, t]) => `cni_ts_last_error_timestamp_seconds${labels(['plugin', 'command'], l)} ${t}\n`);
  return [
    family('cni_ts_operations_total', 'counter', 'Plugin invocations by plugin, CNI command and result (ok or error).', ops),
    family('cni_ts_operation_duration_seconds', 'histogram', 'Time from a plugin invocation reading its request to its answer, by plugin and CNI command.', durations),
    family('cni_ts_ipam_addresses_allocated', 'gauge', 'Addresses host-local has reserved, by network and range (start-end).', allocated),
    family('cni_ts_ipam_addresses_capacity', 'gauge', 'Addresses host-local can hand out, by network and range (start-end), the gateway excluded.', capacity),
    family('cni_ts_portmap_mappings', 'gauge', 'Host port mappings portmap has set up, by network and firewall backend.', mappings),
    family('cni_ts_gc_released_total', 'counter', 'What GC released (addresses, port mappings), by plugin and kind.', gc),
    family('cni_ts_last_error_timestamp_seconds', 'gauge', 'When an invocation last failed (Unix time), by plugin and CNI command.', lastError),
  ].join('');
}

/** The state carried by the file's last line; a missing or damaged one starts from zero. */
function stateOf(prom: string): MetricsState {
  const at = prom.lastIndexOf(`\n${STATE_MARK}`);
  if (at < 0) return emptyState();
  try {
    const s = JSON.parse(prom.slice(at + 1 + STATE_MARK.length)) as MetricsState;
    return s && typeof s === 'object' && s.ops && s.durations ? { ...emptyState(), ...s } : emptyState();
  } catch {
    return emptyState();
  }
}

function readProm(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

const LOCK_TRIES = 1000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Takes the lock, polling for at most about a second: never stuck behind a hung holder. */
function lock(fd: number): boolean {
  for (let i = 0; i < LOCK_TRIES; i++) {
    try {
      flock(fd, 'ex', true);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
  return false;
}

function openLock(dir: string): number {
  const path = join(dir, LOCK_FILE);
  const flags = constants.O_RDONLY | constants.O_CREAT;
  try {
    return openSync(path, flags, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return openSync(path, flags, 0o644);
  }
}

export interface Finished {
  readonly record: OperationRecord;
  readonly samples: readonly Sample[];
}

/** Folds the operations into `<dir>/cni-ts.prom` under the lock: one read, one write, one rename. */
export function updateMetrics(dir: string, ops: readonly Finished[], now: number): void {
  const fd = openLock(dir);
  try {
    if (!lock(fd)) return;
    const path = join(dir, PROM_FILE);
    const state = stateOf(readProm(path));
    for (const op of ops) applyOperation(state, op.record, op.samples, now);
    const tmp = join(dir, `.${PROM_FILE}.tmp`);
    writeFileSync(tmp, `${renderMetrics(state)}${STATE_MARK}${JSON.stringify(state)}\n`, { mode: 0o644 });
    renameSync(tmp, path);
  } finally {
    closeSync(fd);
  }
}
