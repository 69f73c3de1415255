// `make fuzz`: a seeded, reproducible, black-box hostile-input run of the built plugins (bridge,
// host-local, portmap; every verb). Each case is generated from (seed, index) alone, runs in its
// own namespaces and temp dir, and falls in zero or more classes (fuzz/classify.ts). Failing
// cases are printed with how to replay them; the table comes last. Exits 1 on a crash, a hang or
// a bad error output; with --strict also on any other class.
//
//   fuzz/run.ts [--n N] [--seed S] [--jobs J] [--timeout MS] [--strict] [--verbose] [--bin DIR]
//               [--cni-version V]   (V for the configs' base cniVersion: 1.0.0 for /usr/lib/cni)
//   fuzz/run.ts --seed S --case I      one case alone, always described in full
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FATAL } from './classify.ts';
import { generateCase, withCniVersion } from './generate.ts';
import { count, describe, newTally, table } from './report.ts';
import { BIN_DIR, cleanupAllSync, runCase, type CaseResult } from './sandbox.ts';

const { values: a } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    case: { type: 'string' },
    jobs: { type: 'string', default: '6' },
    timeout: { type: 'string', default: '10000' },
    strict: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    bin: { type: 'string', default: BIN_DIR },
    'cni-version': { type: 'string' },
  },
});
const int = (name: string, s: string): number => {
  if (!/^\d+$/.test(s)) throw new Error(`--${name} wants a non-negative integer, not ${JSON.stringify(s)}`);
  return Number(s);
};
const seed = int('seed', a.seed!) >>> 0;
const timeoutMs = int('timeout', a.timeout!);
const jobs = Math.max(1, int('jobs', a.jobs!));
const binDir = a.bin!;
if (process.getuid?.() !== 0) throw new Error('fuzz: run as root (it makes network namespaces)');
for (const p of ['bridge', 'host-local', 'portmap']) if (!existsSync(join(binDir, p))) throw new Error(`fuzz: no ${p} in ${binDir} (make all)`);

const indexes = a.case !== undefined ? [int('case', a.case)] : Array.from({ length: int('n', a.n!) }, (_, i) => i);

const signals = { SIGINT: 130, SIGTERM: 143 } as const;
for (const sig of Object.keys(signals) as (keyof typeof signals)[]) {
  process.on(sig, () => {
    console.error(`\nfuzz: ${sig}, cleaning up`);
    cleanupAllSync();
    process.exit(signals[sig]);
  });
}

const tally = newTally();
const start = performance.now();
let next = 0;
let done = 0;
const harnessErrors: number[] = [];
/** Cases that hung in the parallel run, to be run again alone. */
const retries: number[] = [];
const show = (r: CaseResult): boolean => a.case !== undefined || a.verbose! || r.verdict.classes.length > 0;
async function worker(): Promise<void> {
  while (next < indexes.length) {
    const i = indexes[next++]!;
    let r: CaseResult;
    try {
      const c = generateCase(seed, i);
      r = await runCase(a['cni-version'] === undefined ? c : withCniVersion(c, a['cni-version']), { timeoutMs, binDir });
    } catch (e) {
      // The harness itself failed (a netns it could not make, a snapshot it could not read).
      harnessErrors.push(i);
      console.log(`--- case ${i}: harness error: ${(e as Error).stack ?? e}`);
      continue;
    }
    if (r.verdict.classes.includes('hang') && a.case === undefined) {
      retries.push(i); // confirmed (or not) alone, after the others
      continue;
    }
    count(tally, r);
    if (show(r)) console.log(describe(r));
    if (++done % 50 === 0) console.error(`fuzz: ${done}/${indexes.length}`);
  }
}
try {
  await Promise.all(Array.from({ length: Math.min(jobs, indexes.length) }, worker));
  // A hang in the parallel run can be the machine's (rtnl held seconds long by namespace
  // teardown elsewhere): a case counts as a hang only if it hangs again when run alone.
  for (const i of retries.sort((x, y) => x - y)) {
    const c = generateCase(seed, i);
    const r = await runCase(a['cni-version'] === undefined ? c : withCniVersion(c, a['cni-version']), { timeoutMs, binDir });
    if (!r.verdict.classes.includes('hang')) tally.hangsNotReproduced.push(i);
    count(tally, r);
    if (show(r)) console.log(describe(r));
  }
} finally {
  cleanupAllSync();
}
tally.ms = performance.now() - start;
console.log(table(tally, seed));
const failing = [...tally.byClass].filter(([k, n]) => n > 0 && (a.strict! || FATAL.includes(k)));
if (harnessErrors.length > 0) {
  console.log(`fuzz: FAILED, the harness failed on cases ${harnessErrors.join(' ')}`);
  process.exit(2);
}
if (failing.length > 0) {
  console.log(`fuzz: FAILED (${failing.map(([k, n]) => `${n} ${k}`).join(', ')})${a.strict ? ' [--strict]' : ''}`);
  process.exit(1);
}
console.log(`fuzz: OK${a.strict ? ' [--strict]' : ` (fails only on ${FATAL.join(', ')}; --strict fails on every class)`}`);
