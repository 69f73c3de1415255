// Start-up: CNI_COMMAND=VERSION of our executable, of the reference Go binary, and `node -e 0`.
import { existsSync } from 'node:fs';
import { fmt, ratio, timeCommand } from './measure.ts';

export const REFERENCE_DIR = '/usr/lib/cni';
const RUNS = 30;

/** `binDir` is our bin dir: the same plugin name is timed on both sides. */
export function benchStartup(binDir: string, node: string): void {
  const version = { CNI_COMMAND: 'VERSION' };
  const ours = timeCommand({ file: `${binDir}/host-local`, env: version }, RUNS);
  const refBin = `${REFERENCE_DIR}/host-local`;
  const ref = existsSync(refBin) ? timeCommand({ file: refBin, env: version }, RUNS) : undefined;
  const bare = timeCommand({ file: node, args: ['-e', '0'] }, RUNS);
  console.log(`start-up, CNI_COMMAND=VERSION, median of ${RUNS} (p90)`);
  console.log(`  cni-ts           ${fmt(ours.median)} (${fmt(ours.p90)})`);
  console.log(`  reference (Go)   ${ref ? `${fmt(ref.median)} (${fmt(ref.p90)})` : 'not installed'}   ratio ${ratio(ours.median, ref?.median)}`);
  console.log(`  node24 -e 0      ${fmt(bare.median)} (${fmt(bare.p90)})`);
}
