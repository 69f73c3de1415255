// Tallies of a run and their table: the failing classes (state ones broken down by plugin and by
// snapshot part), totals, errors by code, and code 999's share of all errors.
import { CLASSES, type Class } from './classify.ts';
import type { CaseResult } from './sandbox.ts';

export interface Tally {
  cases: number;
  successes: number;
  errors: number;
  invalidCases: number;
  setupFailed: number;
  byCode: Map<number, number>;
  byClass: Map<Class, number>;
  /** "class / plugin" and "class / part" counts for the two state classes. */
  stateBreakdown: Map<string, number>;
  /** For "bad input accepted": counts per mutation kind. */
  acceptedBy: Map<string, number>;
  /** Code 999 messages, paths and numbers blotted out, with their counts. */
  code999: Map<string, number>;
  /** Cases that hung in the parallel run but not when run again alone. */
  hangsNotReproduced: number[];
  /** Per class, the first few case indexes. */
  examples: Map<Class, number[]>;
  ms: number;
}

export function newTally(): Tally {
  return { cases: 0, successes: 0, errors: 0, invalidCases: 0, setupFailed: 0, byCode: new Map(), byClass: new Map(), stateBreakdown: new Map(), acceptedBy: new Map(), code999: new Map(), hangsNotReproduced: [], examples: new Map(), ms: 0 };
}

const bump = <K>(m: Map<K, number>, k: K): void => void m.set(k, (m.get(k) ?? 0) + 1);

export function count(t: Tally, r: CaseResult): void {
  t.cases++;
  if (r.case.invalid) t.invalidCases++;
  if (r.setup !== null && r.setup.exit !== 0) t.setupFailed++;
  if (r.verdict.succeeded) t.successes++;
  else t.errors++;
  if (r.verdict.code !== null) bump(t.byCode, r.verdict.code);
  if (r.verdict.code === 999) {
    const msg = (JSON.parse(r.outcome.stdout) as { msg: string }).msg;
    bump(t.code999, `${r.case.plugin} ${r.case.verb}: ${msg.replace(/\/(tmp|run\/netns)\/[^\s"\]]*/g, '<path>').replace(/fz[0-9a-f]{8}/g, '<id>').replace(/[0-9a-f]{8,}/g, '<hash>').replace(/\d+/g, 'N').replace(/\s+/g, ' ').slice(0, 140)}`);
  }
  if (r.verdict.classes.includes('bad input accepted')) for (const m of r.case.mutations) bump(t.acceptedBy, `${r.case.plugin} ${r.case.verb}: ${m.split(':')[0]}`);
  for (const k of r.verdict.classes) {
    bump(t.byClass, k);
    const ex = t.examples.get(k) ?? [];
    if (ex.length < 12) ex.push(r.case.index);
    t.examples.set(k, ex);
    if (k.startsWith('state')) {
      bump(t.stateBreakdown, `${k} / ${r.case.plugin} ${r.case.verb}`);
      for (const part of Object.keys(r.changed)) bump(t.stateBreakdown, `${k} / ${part}`);
    }
  }
}

export function table(t: Tally, seed: number): string {
  const rows: [string, string][] = [];
  for (const k of CLASSES) rows.push([k, String(t.byClass.get(k) ?? 0)]);
  const code999 = t.byCode.get(999) ?? 0;
  rows.push(['code 999', `${code999} (${t.errors === 0 ? '0.0' : ((100 * code999) / t.errors).toFixed(1)}% of errors)`]);
  rows.push(['cases', `${t.cases} (${t.invalidCases} invalid for Go)`]);
  rows.push(['successes', String(t.successes)]);
  rows.push(['errors', String(t.errors)]);
  rows.push(['errors by code', [...t.byCode].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}:${n}`).join(' ') || '-']);
  if (t.setupFailed > 0) rows.push(['setup ADD failed', String(t.setupFailed)]);
  if (t.hangsNotReproduced.length > 0) rows.push(['hung, not alone', `cases ${t.hangsNotReproduced.join(' ')} (timed out in parallel, not when run again alone)`]);
  rows.push(['time', `${(t.ms / 1000).toFixed(1)} s`]);
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = [`fuzz: seed ${seed}, ${t.cases} cases`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)];
  if (t.stateBreakdown.size > 0) {
    lines.push('  state changes by plugin/verb and by snapshot part:');
    for (const [k, n] of [...t.stateBreakdown].sort()) lines.push(`    ${k}: ${n}`);
  }
  if (t.acceptedBy.size > 0) {
    lines.push('  bad input accepted, by plugin, verb and mutation (a case may count under several):');
    for (const [k, n] of [...t.acceptedBy].sort()) lines.push(`    ${k}: ${n}`);
  }
  if (t.code999.size > 0) {
    lines.push('  code 999 messages:');
    for (const [k, n] of [...t.code999].sort((x, y) => y[1] - x[1])) lines.push(`    ${n} x ${k}`);
  }
  for (const [k, ex] of t.examples) lines.push(`  ${k}: e.g. cases ${ex.join(' ')}`);
  return lines.join('\n');
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}...(${s.length} chars)` : s);

/** A failing case, enough to see and replay it. */
export function describe(r: CaseResult): string {
  const c = r.case;
  const lines = [
    `--- case ${c.index} (replay: ${'$'}BUN fuzz/run.ts --seed ${c.seed} --case ${c.index}): ${c.plugin} ${c.verb}${c.invalid ? ', invalid for Go' : ''}`,
    ...r.verdict.reasons.map((x) => `  ${x}`),
    `  mutations: ${c.mutations.join('; ') || 'none'}`,
    `  env: ${clip(JSON.stringify(c.env), 400)}`,
    `  stdin: ${clip(c.stdin, 400)}`,
  ];
  if (r.setup !== null) lines.push(`  setup ADD: exit ${r.setup.exit}${r.setup.exit === 0 ? '' : ` ${clip(r.setup.stdout.trim(), 200)}`}`);
  lines.push(`  exit ${r.outcome.exit}${r.outcome.signal ? ` signal ${r.outcome.signal}` : ''}, ${r.outcome.ms} ms`);
  if (r.outcome.stdout.trim()) lines.push(`  stdout: ${clip(r.outcome.stdout.trim(), 600)}`);
  if (r.outcome.stderr.trim()) lines.push(`  stderr: ${clip(r.outcome.stderr.trim(), 600)}`);
  for (const [part, d] of Object.entries(r.changed)) {
    lines.push(`  changed ${part}:`);
    for (const l of d.slice(0, 12)) lines.push(`    ${clip(l, 300)}`);
    if (d.length > 12) lines.push(`    ... ${d.length - 12} more`);
  }
  return lines.join('\n');
}
