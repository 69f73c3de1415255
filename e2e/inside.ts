// The part of `make e2e` that runs inside the test's own mount namespace (started by run.ts
// through `unshare --mount --propagation private`): the host paths that runtimes write to
// regardless of configuration become bind mounts of directories in the temp dir, so nothing they
// write lands on the machine, and every mount they make disappears with the namespace.
import { mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type E2EContext, PRIVATE_PATHS, privateDir } from './lib/context.ts';
import { must } from './lib/proc.ts';
import type { Scenario } from './lib/report.ts';
import { podmanScenario } from './podman.ts';
import { containerdScenario } from './containerd.ts';

interface InsideArgs extends E2EContext {
  readonly only: readonly string[];
}

const args = JSON.parse(process.argv[2] ?? '{}') as InsideArgs;
writeFileSync(join(args.tmp, 'mntns'), readlinkSync('/proc/self/ns/mnt'));

for (const p of PRIVATE_PATHS) {
  const d = privateDir(args, p);
  mkdirSync(d, { recursive: true, mode: 0o755 });
  await must(['mount', '--bind', d, p], { timeout: 10_000 });
}

const scenarios: [string, (ctx: E2EContext) => Promise<Scenario>][] = [
  ['podman', podmanScenario],
  ['containerd', containerdScenario],
];
const results: Scenario[] = [];
for (const [name, fn] of scenarios) {
  if (args.only.length && !args.only.includes(name)) continue;
  try {
    results.push(await fn(args));
  } catch (err) {
    console.log(`[${name}] crashed: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  }
}
console.log('');
for (const r of results) console.log(r.summary());
if (results.some((r) => !r.ok)) process.exitCode = 1;
