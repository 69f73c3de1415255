// cni-conformance: runs the black-box conformance scenarios (conformance/) against any CNI bin dir.
// `cni-conformance --cni-path DIR [--filter WORD...] [--family reference|fixed] [--list]`; exit 1 on
// any failure. `probe ...` is the traffic endpoint the scenarios start inside their namespaces.
import { Command, CommanderError, Option } from 'commander';
import { probeMain } from '../conformance/harness/probe.ts';
import { progressLine, summary } from '../conformance/report.ts';
import { runScenarios, selectScenarios } from '../conformance/runner.ts';
import { SCENARIOS } from '../conformance/scenarios/index.ts';
import type { Behaviour } from '../conformance/types.ts';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'probe') {
    probeMain(argv.slice(1));
    return -1; // the probe decides when the process ends
  }
  const program = new Command('cni-conformance')
    .description('Black-box conformance scenarios for the CNI bridge, host-local and portmap plugins of a bin dir')
    .requiredOption('--cni-path <dir>', 'the CNI bin dir under test (e.g. /opt/cni/bin, /usr/lib/cni, dist/bin)')
    .option('--filter <word...>', 'run only scenarios whose id or area matches, or whose title contains the word')
    .addOption(new Option('--family <family>', 'run only one behaviour family').choices(['reference', 'fixed']))
    .option('--timeout <seconds>', 'time limit per scenario', '120')
    .option('--list', 'list the selected scenarios and exit')
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    return err instanceof CommanderError ? err.exitCode : 2;
  }
  const o = program.opts<{ cniPath: string; filter?: string[]; family?: Behaviour; timeout: string; list?: boolean }>();
  if (o.list) {
    for (const s of selectScenarios(SCENARIOS, o.filter, o.family)) {
      process.stdout.write(`${s.id.padEnd(4)} ${s.area.padEnd(10)} ${s.family.padEnd(9)} [${s.versions.join(' ')}] ${s.title}${s.reason ? `\n     (${s.reason})` : ''}\n`);
    }
    return 0;
  }
  const rows = await runScenarios(SCENARIOS, {
    cniPath: o.cniPath,
    filter: o.filter,
    family: o.family,
    timeoutMs: Number(o.timeout) * 1000,
    onRow: (row, i, n) => process.stdout.write(`${progressLine(row, i, n)}\n`),
  });
  process.stdout.write(summary(rows, o.cniPath));
  return rows.some((r) => r.status === 'fail') || rows.length === 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`cni-conformance: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
