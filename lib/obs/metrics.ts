// The Prometheus text file for node_exporter's textfile collector (<metricsDir>/cni-ts.prom).
// Every invocation with metrics on reads the state that the file carries in its last line (a
// comment, which Prometheus parsers skip), folds its operations and samples into it, and under
// the lock (cni-ts.lock beside it, never written) writes the new file over the spare beside it
// and exchanges the two, so the collector never reads a partial file, and no update is lost: the
// file is replaced only if it is still the one read. Counters survive across the short-lived
// processes in that line; one file written per update (a separate state file rewritten in place
// cost 0.5-2 ms more on ext4, which flushes a file truncated and rewritten, or renamed over
// another).
import { closeSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockFile, replaceFile, replaceIfSame } from '../native/index.ts';
import type { OperationRecord } from './log.ts';
import type { RangeUsage, Sample } from './observer.ts';

export const PROM_FILE = 'cni-ts.prom';
export const LOCK_FILE = 'cni-ts.lock';
/** The previous file, rewritten into the next one (replaceFile): node_exporter reads *.prom only. */
export const SPARE_FILE = '.cni-ts.prom.spare';
const STATE_MARK = '# cni-ts-state ';

/** Upper bounds in seconds: a plugin takes 5 ms to seconds (a DEL waits for the kernel's veth removal). */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'] as const;

interface Histogram {
  /** Per bucket, not cumulative; the last one is +Inf. */
  counts: number[];
  sum: number;
}

/** A family's series by their labels as the file prints them (`plugin="bridge",command="ADD"`),
 *  in the order of those labels. */
type Series<T> = Record<string, T>;

/**
 * What the file shows, kept ready to print: a plugin runs once per container event, too briefly
 * for the JIT, and every function or builtin it runs for the first time costs it microseconds, so
 * the update and the rendering are plain loops over these records (no parsing of keys, no sort
 * but for a series seen for the first time).
 */
export interface MetricsState {
  /** The layout's version: a state of another layout starts the counters again. */
  v: 2;
  ops: Series<number>;
  durations: Series<Histogram>;
  allocated: Series<number>;
  capacity: Series<number>;
  /** By network and backend: attachment -> its mappings. */
  portmap: Series<Record<string, number>>;
  released: Series<number>;
  lastError: Series<number>;
}

export const emptyState = (): MetricsState => ({ v: 2, ops: {}, durations: {}, allocated: {}, capacity: {}, portmap: {}, released: {}, lastError: {} });

const NEEDS_ESCAPE = /[\\"\n]/;
const escape = (v: string): string => (NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v);
const network = (name: string): string => `network="${escape(name)}"`;

/** Puts a series seen for the first time in order among the others: each key is deleted and set
 *  again in sorted order, which is the order objects keep (and JSON too). */
function insert<T>(rec: Series<T>, key: string, value: T): void {
  rec[key] = value;
  for (const k of Object.keys(rec).sort()) {
    const v = rec[k]!;
    delete rec[k];
    rec[k] = v;
  }
}

function set<T>(rec: Series<T>, key: string, value: T): void {
  if (key in rec) rec[key] = value;
  else insert(rec, key, value);
}

function add(rec: Series<number>, key: string, n: number): void {
  set(rec, key, (rec[key] ?? 0) + n);
}

/** Sets the network's ranges (host-local reports them all) and drops the ones it no longer has. */
function setRanges(state: MetricsState, name: string, ranges: readonly RangeUsage[]): void {
  const net = network(name);
  const keep = new Set<string>();
  for (const r of ranges) {
    const key = `${net},range="${escape(r.range)}"`;
    keep.add(key);
    set(state.allocated, key, r.allocated);
    set(state.capacity, key, r.capacity);
  }
  for (const key in state.allocated) {
    if (key.startsWith(`${net},`) && !keep.has(key)) {
      delete state.allocated[key];
      delete state.capacity[key];
    }
  }
}

function applySample(state: MetricsState, plugin: string, s: Sample): void {
  switch (s.kind) {
    case 'ipam':
      setRanges(state, s.network, s.ranges);
      return;
    case 'portmap': {
      // An attachment's mappings live on one backend: a DEL or re-ADD replaces them on every one.
      const net = `${network(s.network)},`;
      for (const key in state.portmap) if (key.startsWith(net)) delete state.portmap[key]![s.attachment];
      if (s.mappings <= 0) return;
      const key = `${net}backend="${escape(s.backend)}"`;
      if (!(key in state.portmap)) insert(state.portmap, key, {});
      state.portmap[key]![s.attachment] = s.mappings;
      return;
    }
    case 'portmap-keep': {
      const net = `${network(s.network)},`;
      const keep = new Set(s.keep);
      let gone = 0;
      for (const key in state.portmap) {
        if (!key.startsWith(net)) continue;
        const held = state.portmap[key]!;
        for (const a in held) {
          if (keep.has(a)) continue;
          gone += held[a]!;
          delete held[a];
        }
      }
      if (gone > 0) add(state.released, `${plugin},kind="port mapping"`, gone);
      return;
    }
    case 'released':
      if (s.count > 0) add(state.released, `${plugin},kind="${escape(s.what)}"`, s.count);
  }
}

/** Folds one finished operation into the state; `now` in seconds since the epoch. */
export function applyOperation(state: MetricsState, op: OperationRecord, samples: readonly Sample[], now: number): MetricsState {
  const plugin = `plugin="${escape(op.plugin)}"`;
  const who = `${plugin},command="${escape(op.command)}"`;
  add(state.ops, `${who},result="${op.error ? 'error' : 'ok'}"`, 1);
  const seconds = op.ms / 1000;
  let h = state.durations[who];
  if (h === undefined) insert(state.durations, who, (h = { counts: new Array<number>(LE.length).fill(0), sum: 0 }));
  let at = 0;
  while (at < BUCKETS.length && seconds > BUCKETS[at]!) at++;
  h.counts[at]! += 1;
  h.sum += seconds;
  if (op.error) set(state.lastError, who, now);
  for (const s of samples) applySample(state, plugin, s);
  return state;
}

/** The families in the order the file lists them: name, type, help, and the state's record. */
const FAMILIES = [
  ['cni_ts_operations_total', 'counter', 'Plugin invocations by plugin, CNI command and result (ok or error).', 'ops'],
  ['cni_ts_operation_duration_seconds', 'histogram', 'Time from a plugin invocation reading its request to its answer, by plugin and CNI command.', 'durations'],
  ['cni_ts_ipam_addresses_allocated', 'gauge', 'Addresses host-local has reserved, by network and range (start-end).', 'allocated'],
  ['cni_ts_ipam_addresses_capacity', 'gauge', 'Addresses host-local can hand out, by network and range (start-end), the gateway excluded.', 'capacity'],
  ['cni_ts_portmap_mappings', 'gauge', 'Host port mappings portmap has set up, by network and firewall backend.', 'portmap'],
  ['cni_ts_gc_released_total', 'counter', 'What GC released (addresses, port mappings), by plugin and kind.', 'released'],
  ['cni_ts_last_error_timestamp_seconds', 'gauge', 'When an invocation last failed (Unix time), by plugin and CNI command.', 'lastError'],
] as const;

/** The state in Prometheus text format (version 0.0.4). One function of plain loops: it runs
 *  once a process, cold, where every helper called costs its own first call. */
export function renderMetrics(s: MetricsState): string {
  let out = '';
  for (const [name, type, help, field] of FAMILIES) {
    out += `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
    if (field === 'durations') {
      for (const key in s.durations) {
        const h = s.durations[key]!;
        let cumulative = 0;
        for (let i = 0; i < LE.length; i++) {
          cumulative += h.counts[i] ?? 0;
          out += `${name}_bucket{${key},le="${LE[i]}"} ${cumulative}\n`;
        }
        out += `${name}_sum{${key}} ${h.sum}\n${name}_count{${key}} ${cumulative}\n`;
      }
    } else if (field === 'portmap') {
      for (const key in s.portmap) {
        const held = s.portmap[key]!;
        let n = 0;
        for (const a in held) n += held[a]!;
        out += `${name}{${key}} ${n}\n`;
      }
    } else {
      const rec = s[field];
      for (const key in rec) out += `${name}{${key}} ${rec[key]}\n`;
    }
  }
  return out;
}

/** The state carried by the file's last line; a missing or damaged one starts from zero. */
export function stateOf(prom: string): MetricsState {
  const at = prom.lastIndexOf(`\n${STATE_MARK}`);
  if (at < 0) return emptyState();
  try {
    const s = JSON.parse(prom.slice(at + 1 + STATE_MARK.length)) as MetricsState | null;
    return s?.v === 2 ? s : emptyState();
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

/** How long an update waits for the lock: never stuck behind a hung holder; skipped after. */
const LOCK_WAIT_MS = 1000;

/** The lock `lock` in `dir`, the directory made first when it is missing; undefined when the
 *  wait timed out. */
function takeLock(dir: string, lock: string): number | undefined {
  try {
    return lockFile(lock, LOCK_WAIT_MS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') return undefined;
    if (code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return lockFile(lock, LOCK_WAIT_MS);
  }
}

export interface Finished {
  readonly record: OperationRecord;
  readonly samples: readonly Sample[];
}

/** The metrics file as read at some point, and its state. */
export interface Snapshot {
  readonly text: string;
  readonly state: MetricsState;
}

/** The file as it is now, read without the lock. */
export function snapshotMetrics(dir: string): Snapshot {
  const text = readProm(join(dir, PROM_FILE));
  return { text, state: stateOf(text) };
}

/** The file that folding the operations into `state` makes; `state` is used up. */
export function foldMetrics(state: MetricsState, ops: readonly Finished[], now: number): string {
  for (const op of ops) applyOperation(state, op.record, op.samples, now);
  return `${renderMetrics(state)}${STATE_MARK}${JSON.stringify(state)}\n`;
}

/**
 * Folds the operations into `<dir>/cni-ts.prom`. With `seen`, the file as read earlier (while the
 * plugin waited), the new file is put in place if the file still is that one: one native call
 * that takes the lock, compares and replaces. Otherwise, or if another plugin wrote it meanwhile,
 * under the lock: one read, the new file written over the spare (the previous one) and exchanged
 * with the current one. The file work runs in the native addon, where a new file and an unlink
 * each time cost a plugin 0.15-0.4 ms more, and the runtime's fs calls in the interpreter 0.1 ms
 * more.
 */
export function updateMetrics(dir: string, ops: readonly Finished[], now: number, seen?: Snapshot): void {
  const lock = join(dir, LOCK_FILE);
  const spare = join(dir, SPARE_FILE);
  const path = join(dir, PROM_FILE);
  if (seen !== undefined) {
    try {
      if (replaceIfSame(lock, LOCK_WAIT_MS, spare, path, seen.text, foldMetrics(seen.state, ops, now), 0o644)) return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ETIMEDOUT') return;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const fd = takeLock(dir, lock);
  if (fd === undefined) return;
  try {
    replaceFile(spare, path, foldMetrics(snapshotMetrics(dir).state, ops, now), 0o644);
  } finally {
    closeSync(fd);
  }
}
