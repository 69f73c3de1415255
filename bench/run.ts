// `make bench`: ours (dist/bin) against Debian's Go reference plugins (/usr/lib/cni) in one run,
// each metric measured in alternation, printed as it comes and summed up in a markdown table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchBridge, benchBridgeRss, TIME } from './bridge.ts';
import { benchHostLocal } from './host-local.ts';
import { CNITOOL, makeLab, REFERENCE_DIR, type Lab } from './lab.ts';
import { benchLoopback } from './loopback.ts';
import { markdownTable, printRow, type Row } from './measure.ts';
import { benchChain, benchChainObservability, benchChainPresent, benchParallel } from './portmap.ts';
import { benchVersion } from './version.ts';

const needed = [...['bridge', 'host-local', 'portmap', 'loopback'].map((p) => join(REFERENCE_DIR, p)), TIME, CNITOOL];
const missing = needed.filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.error(`bench: missing ${missing.join(', ')} (scripts/setup installs Debian's containernetworking-plugins and time; make builds cnitool)`);
  process.exit(1);
}

const refVersion = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'containernetworking-plugins'], { encoding: 'utf8' }).stdout || 'of unknown version';
console.log(`cni-ts (dist/bin) against Debian's Go reference plugins ${refVersion} (${REFERENCE_DIR}); ratio = cni-ts / reference.
Each metric alternates ours and the reference, round by round; figures are medians (p90) of the rounds.
"cnitool": run as a runtime runs a network (libcni: every plugin exec'd in order, with prevResult,
result cached), by our dist/bin/cnitool for BOTH sides with CNI_PATH set to the side's bin dir,
so the driver's cost (about one process start-up per operation) is identical on both sides.
Each side has a "host" netns of its own, where cnitool and the plugins run (ip netns exec, about
1 ms, both sides), and its own container netns, bridges, subnets, conf dir, host-local dataDir and
cnitool cache dir. Nothing touches the machine's own interfaces or firewall.`);

const started = performance.now();
const rows: Row[] = [];
const sections: [string, (lab: Lab) => Promise<Row[]>][] = [
  ['start-up', benchVersion],
  ['host-local', benchHostLocal],
  ['loopback', benchLoopback],
  ['bridge + host-local, ipMasq', benchBridge],
  ['memory', benchBridgeRss],
  ['full chain: bridge + host-local + portmap, ipMasq, 1 tcp mapping', benchChain],
  ['full chain with logs + metrics on', benchChainObservability],
  ['full chain, every container at once', benchParallel],
  ['full chain with a crowded nat table', benchChainPresent],
];
// `bench/run.ts WORD...` measures only the sections whose title contains one of the words.
const only = process.argv.slice(2);
const chosen = sections.filter(([title]) => only.length === 0 || only.some((w) => title.includes(w)));
const lab = makeLab();
try {
  console.log(`\n${'metric'.padEnd(62)} ${'cni-ts'.padEnd(24)} ${'reference'.padEnd(24)} ratio`);
  for (const [title, bench] of chosen) {
    console.log(`${title}:`);
    const got = await bench(lab);
    got.forEach(printRow);
    rows.push(...got);
  }
} finally {
  lab.teardown();
}
console.log(`\n${markdownTable(rows)}\n\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
