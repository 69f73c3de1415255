// The conformance suite as part of `make test`: every scenario against our bin dir (a scenario
// whose plugin is not built yet is a visible skip), and the reference-family scenarios against
// Debian's Go plugins, which prove that those expectations are real.
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { progressLine, summary } from '../../conformance/report.ts';
import { runScenarios, type RunOptions } from '../../conformance/runner.ts';
import { SCENARIOS } from '../../conformance/scenarios/index.ts';
import { BIN_DIR, REFERENCE_DIR } from '../helpers/exec.ts';

async function suite(o: RunOptions): Promise<void> {
  const rows = await runScenarios(SCENARIOS, { ...o, onRow: (row, i, n) => console.log(progressLine(row, i, n)) });
  console.log(summary(rows, o.cniPath));
  const failed = rows.filter((r) => r.status === 'fail').map((r) => `${r.scenario.id}: ${r.detail}`);
  assert.equal(failed, [], `conformance failures in ${o.cniPath}`);
}

test('conformance: every scenario on our plugins (dist/bin)', async () => {
  await suite({ cniPath: BIN_DIR });
});

test('conformance: the reference-family scenarios on the Go reference plugins (/usr/lib/cni)', async () => {
  if (!existsSync(`${REFERENCE_DIR}/bridge`)) {
    console.log(`SKIP: no reference plugins in ${REFERENCE_DIR} (Debian package containernetworking-plugins)`);
    return;
  }
  await suite({ cniPath: REFERENCE_DIR, family: 'reference' });
});

test.run();
