// Runs scenarios against one CNI bin dir: decides for each whether it can run (its plugins are
// there, the bin dir supports one of its spec versions, the kernel has what it needs), runs it
// with a time limit, always cleans up, and reports pass / fail / skip with the reason.
import type { SpecVersion } from '../lib/cni/version.ts';
import { Ctx } from './harness/context.ts';
import { probeKernel, probePlugin, type PluginInfo } from './harness/probe-env.ts';
import type { Behaviour, Scenario } from './types.ts';

export type Status = 'pass' | 'fail' | 'skip';

export interface Row {
  readonly scenario: Scenario;
  readonly status: Status;
  /** Failure message or skip reason. */
  readonly detail?: string;
  readonly versions: readonly SpecVersion[];
  readonly ms: number;
}

export interface RunOptions {
  readonly cniPath: string;
  /** Substrings or ids: a scenario runs if any matches its id, area or title. */
  readonly filter?: readonly string[];
  /** Only this family (default: both). */
  readonly family?: Behaviour;
  readonly timeoutMs?: number;
  /** Called after each scenario (progress). */
  readonly onRow?: (row: Row, index: number, total: number) => void;
}

export function selectScenarios(all: readonly Scenario[], filter?: readonly string[], family?: Behaviour): Scenario[] {
  return all.filter((s) => {
    if (family && s.family !== family) return false;
    if (!filter || filter.length === 0) return true;
    const hay = `${s.area} ${s.title}`.toLowerCase();
    return filter.some((f) => s.id === f || s.area === f || hay.includes(f.toLowerCase()));
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function runScenarios(all: readonly Scenario[], o: RunOptions): Promise<Row[]> {
  const chosen = selectScenarios(all, o.filter, o.family);
  const plugins = new Map<string, PluginInfo>();
  for (const name of new Set(chosen.flatMap((s) => s.plugins))) plugins.set(name, await probePlugin(o.cniPath, name));
  const kernel = await probeKernel();
  const rows: Row[] = [];
  for (const [i, s] of chosen.entries()) {
    const started = Date.now();
    const missing = s.plugins.filter((p) => !plugins.get(p)!.present);
    const versions = s.versions.filter((v) => s.plugins.every((p) => plugins.get(p)!.versions.includes(v)));
    const needs = (s.needs ?? []).filter((n) => !kernel[n]);
    let row: Row;
    if (missing.length > 0) {
      row = { scenario: s, status: 'skip', detail: `${missing.join(', ')} not in ${o.cniPath}`, versions: [], ms: 0 };
    } else if (versions.length === 0) {
      // A reference scenario's reason says why the versions are limited (e.g. a backend newer plugins brought).
      const why = s.family === 'reference' && s.reason ? `: ${s.reason}` : '';
      row = { scenario: s, status: 'skip', detail: `spec ${s.versions.join('/')} not supported by ${s.plugins.join(', ')} here${why}`, versions: [], ms: 0 };
    } else if (needs.length > 0) {
      row = { scenario: s, status: 'skip', detail: `the kernel here lacks ${needs.join(', ')}`, versions: [], ms: 0 };
    } else {
      const t = new Ctx(o.cniPath, versions);
      let detail: string | undefined;
      try {
        await withTimeout(s.run(t), o.timeoutMs ?? 120_000);
      } catch (err) {
        detail = (err as Error).message || String(err);
      }
      const leftovers = await t.cleanup();
      if (!detail && leftovers.length > 0) detail = `cleanup failed: ${leftovers.join('; ')}`;
      row = { scenario: s, status: detail ? 'fail' : 'pass', detail, versions, ms: Date.now() - started };
    }
    rows.push(row);
    o.onRow?.(row, i, chosen.length);
  }
  return rows;
}
