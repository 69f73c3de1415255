// Entry of the single executable: dispatch on the name it was invoked as (a link per plugin, and
// one per command-line tool).
import { registerInProcess } from '../lib/cni/inprocess.ts';
import { runPlugin } from '../lib/cni/skel.ts';
import { processIO, writeFd } from '../lib/cni/stdio.ts';
import { bun } from '../lib/native/bun.ts';
import { invokedName } from '../lib/native/executable.ts';
import { PLUGINS } from './plugins.ts';
import { TOOLS } from './tools.ts';

const lookup = <T>(table: Readonly<Record<string, T>>, name: string): T | undefined => (Object.hasOwn(table, name) ? table[name] : undefined);

// A reader that went away (`| head`) ends a tool quietly, never with a stack. Plugins write
// through the fds (lib/cni/stdio.ts) and never touch these streams, whose modules cost start-up.
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 1);
    });
  }
}

// The Bun executable starts with JavaScriptCore's tier-up thresholds scaled up (Makefile,
// --compile-jit-policy) because a plugin runs for milliseconds; a tool may run for minutes, and
// gets the normal policy back. Nothing to do on Node.
function normalJitPolicy(): void {
  bun?.unsafe.setJITPolicy(1);
}

async function main(): Promise<number | undefined> {
  const name = invokedName();
  const tool = lookup(TOOLS, name);
  if (tool) {
    normalJitPolicy();
    quietOnClosedPipe();
    // A tool reads its own arguments and sets its own exit code.
    return void (await tool());
  }
  const load = lookup(PLUGINS, name);
  if (!load) {
    const known = [...Object.keys(PLUGINS), ...Object.keys(TOOLS)].join(', ') || '(none)';
    writeFd(2, `cni-ts: unknown plugin name "${name}": invoke this executable through a link named after a plugin or tool (${known})\n`);
    return 2;
  }
  registerInProcess((plugin) => lookup(PLUGINS, plugin)?.());
  return runPlugin(await load(), processIO());
}

main().then((code) => {
  // A plugin's answer is written (stdout is synchronous for pipes and files): leave now rather
  // than wait for sockets, timers or pool threads to wind down.
  if (code !== undefined) process.exit(code);
});
