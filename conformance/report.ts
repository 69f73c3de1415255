// Text for people: one progress line per scenario, then a summary table per area and family, and
// every failure and skip with its reason (a skip is never silent).
import type { Row } from './runner.ts';

const LABEL = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

export function progressLine(row: Row, index: number, total: number): string {
  const s = row.scenario;
  const width = String(total).length;
  const head = `[${String(index + 1).padStart(width)}/${total}] ${LABEL[row.status]} ${s.id.padEnd(4)} ${s.area.padEnd(10)} ${s.title}`;
  const tail = row.status === 'skip' ? `  (${row.detail})` : `  [${row.versions.join(' ')}] ${row.ms} ms`;
  const fail = row.status === 'fail' ? `\n      ${row.detail?.replace(/\n/g, '\n      ')}` : '';
  return `${head}${tail}${fail}`;
}

export function summary(rows: readonly Row[], cniPath: string): string {
  const groups = new Map<string, { pass: number; fail: number; skip: number }>();
  for (const r of rows) {
    const key = `${r.scenario.area}\t${r.scenario.family}`;
    const g = groups.get(key) ?? { pass: 0, fail: 0, skip: 0 };
    g[r.status]++;
    groups.set(key, g);
  }
  const lines = [`\nConformance of ${cniPath}`, 'area        family     pass  fail  skip', '----------  ---------  ----  ----  ----'];
  const total = { pass: 0, fail: 0, skip: 0 };
  for (const [key, g] of [...groups].sort()) {
    const [area, family] = key.split('\t');
    lines.push(`${area!.padEnd(10)}  ${family!.padEnd(9)}  ${String(g.pass).padStart(4)}  ${String(g.fail).padStart(4)}  ${String(g.skip).padStart(4)}`);
    total.pass += g.pass;
    total.fail += g.fail;
    total.skip += g.skip;
  }
  lines.push('----------  ---------  ----  ----  ----');
  lines.push(`${'total'.padEnd(10)}  ${''.padEnd(9)}  ${String(total.pass).padStart(4)}  ${String(total.fail).padStart(4)}  ${String(total.skip).padStart(4)}`);
  const failed = rows.filter((r) => r.status === 'fail');
  if (failed.length > 0) lines.push('', 'Failures:', ...failed.map((r) => `  ${r.scenario.id} ${r.scenario.title}: ${r.detail}`));
  const skipped = rows.filter((r) => r.status === 'skip');
  if (skipped.length > 0) lines.push('', 'Skips:', ...skipped.map((r) => `  ${r.scenario.id} ${r.scenario.title}: ${r.detail}`));
  lines.push('', `${total.pass} passed, ${total.fail} failed, ${total.skip} skipped`);
  return `${lines.join('\n')}\n`;
}
