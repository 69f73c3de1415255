// The Prometheus text file for node_exporter's textfile collector (<metricsDir>/cni-ts.prom).
// Every invocation with metrics on takes the lock (cni-ts.lock beside it, never written), reads
// the state that the file carries in its last line (a comment, which Prometheus parsers skip),
// folds its operations and samples into it, and writes the file beside and renames it over, so
// the collector never reads a partial file. Counters survive across the short-lived processes in
// that line; one file written per update (a separate state file rewritten in place cost 0.5-2 ms
// more on ext4, which flushes a file truncated and rewritten, or renamed over another: the new
// file is exchanged with the old one instead, renameat2(RENAME_EXCHANGE)).
import { closeSync, constants, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exchange, flock } from '../native/index.ts';
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

// Rendering runs once per invocation in a process too short-lived for the JIT: one label string
// per series, built once, and escaping only when a value needs it (0.3 ms -> see commit).
const NEEDS_ESCAPE = /[\\"\n]/;
const escape = (v: string): string => (NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v);
const pairs = (names: readonly string[], values: readonly string[]): string => names.map((n, i) => `${n}="${escape(values[i] ?? '')}"`).join(',');
const sorted = <T>(rec: Record<string, T>): [string[], T][] =>
  Object.keys(rec)
    .sort()
    .map((k) => [JSON.parse(k) as string[], rec[k]!]);

function family(name: string, type: string, help: string, lines: string): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${lines}`;
}

/** `name{labels} value` lines, one per entry. */
function series<T>(name: string, names: readonly string[], rec: Record<string, T>, value: (v: T) => number): string {
  let out = '';
  for (const [l, v] of sorted(rec)) out += `${name}{${pairs(names, l)}} ${value(v)}\n`;
  return out;
}

const LE = [...BUCKETS.map(String), '+Inf'];

function histogram(state: MetricsState): string {
  const name = 'cni_ts_operation_duration_seconds';
  let out = '';
  for (const [l, h] of sorted(state.durations)) {
    const base = pairs(['plugin', 'command'], l);
    let cumulative = 0;
    for (let i = 0; i < LE.length; i++) {
      cumulative += h.counts[i] ?? 0;
      out += `${name}_bucket{${base},le="${LE[i]}"} ${cumulative}\n`;
    }
    out += `${name}_sum{${base}} ${h.sum}\n${name}_count{${base}} ${cumulative}\n`;
  }
  return out;
}

function ipam(state: MetricsState, what: 'allocated' | 'capacity'): string {
  let out = '';
  for (const network of Object.keys(state.ipam).sort()) {
    for (const r of state.ipam[network]!) out += `cni_ts_ipam_addresses_${what}{network="${escape(network)}",range="${escape(r.range)}"} ${r[what]}\n`;
  }
  return out;
}

const total = (held: Record<string, number>): number => {
  let n = 0;
  for (const k in held) n += held[k]!;
  return n;
};

/** The state in Prometheus text format (version 0.0.4). */
export function renderMetrics(state: MetricsState): string {
  return (
    family('cni_ts_operations_total', 'counter', 'Plugin invocations by plugin, CNI command and result (ok or error).', series('cni_ts_operations_total', ['plugin', 'command', 'result'], state.ops, (n) => n)) +
    family('cni_ts_operation_duration_seconds', 'histogram', 'Time from a plugin invocation reading its request to its answer, by plugin and CNI command.', histogram(state)) +
    family('cni_ts_ipam_addresses_allocated', 'gauge', 'Addresses host-local has reserved, by network and range (start-end).', ipam(state, 'allocated')) +
    family('cni_ts_ipam_addresses_capacity', 'gauge', 'Addresses host-local can hand out, by network and range (start-end), the gateway excluded.', ipam(state, 'capacity')) +
    family('cni_ts_portmap_mappings', 'gauge', 'Host port mappings portmap has set up, by network and firewall backend.', series('cni_ts_portmap_mappings', ['network', 'backend'], state.portmap, total)) +
    family('cni_ts_gc_released_total', 'counter', 'What GC released (addresses, port mappings), by plugin and kind.', series('cni_ts_gc_released_total', ['plugin', 'kind'], state.released, (n) => n)) +
    family('cni_ts_last_error_timestamp_seconds', 'gauge', 'When an invocation last failed (Unix time), by plugin and CNI command.', series('cni_ts_last_error_timestamp_seconds', ['plugin', 'command'], state.lastError, (t) => t))
  );
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

/** Puts `tmp` in place of `path` atomically: swapped with the old file, which is then removed
 *  (ext4 flushes a file renamed over another, not one exchanged); a first file is renamed. */
function replace(tmp: string, path: string): void {
  try {
    exchange(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    renameSync(tmp, path);
    return;
  }
  unlinkSync(tmp);
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
    replace(tmp, path);
  } finally {
    closeSync(fd);
  }
}
