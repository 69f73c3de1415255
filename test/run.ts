// Runs every uvu suite under test/ (or those whose path contains one of the given words; `--unit`
// keeps the unit tests only, `--integration` the integration tests, *.integration.test.ts) in one
// process, then prints the closing line "N passed, N failed[, N skipped]" computed from uvu's own
// totals. A file that fails to load counts as a failed test. The tree under test/ mirrors the
// source tree: the tests of lib/ip/cidr.ts are test/lib/ip/cidr[.<aspect>].test.ts.
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

process.env.NO_COLOR = '1';
const root = resolve(import.meta.dirname);
const args = process.argv.slice(2);
const kind = args.find((a) => a === '--unit' || a === '--integration');
const filters = args.filter((a) => a !== kind);
const isIntegration = (f: string): boolean => f.endsWith('.integration.test.ts');

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return findTests(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = findTests(root)
  .sort()
  .filter((f) => kind === undefined || isIntegration(f) === (kind === '--integration'))
  .filter((f) => filters.length === 0 || filters.some((w) => relative(root, f).includes(w)));

type Queue = unknown[][];
const g = globalThis as unknown as { UVU_DEFER: number; UVU_QUEUE: Queue; UVU_INDEX: number };
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];
const uvu = await import('uvu');

let loadFailures = 0;
for (const [i, file] of files.entries()) {
  g.UVU_INDEX = i;
  g.UVU_QUEUE.push([relative(root, file)]);
  try {
    await import(pathToFileURL(file).href);
  } catch (err) {
    loadFailures++;
    console.error(`cannot load ${relative(root, file)}:`, err);
  }
}

let out = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  out += String(chunk);
  return write(chunk, ...rest);
}) as typeof process.stdout.write;
await uvu.exec(false);
process.stdout.write = write;

const count = (label: string): number => Number(/\s(\d+)\s*$/.exec(out.match(new RegExp(`${label}:\\s+\\d+`))?.[0] ?? ' 0')?.[1] ?? 0);
const total = count('Total') + loadFailures;
const passed = count('Passed');
const skipped = count('Skipped');
const failed = total - passed;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || total === 0 ? 1 : 0;
