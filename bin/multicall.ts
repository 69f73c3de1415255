// Entry of the single executable: dispatch on the name it was invoked as (a link per plugin).
import { basename } from 'node:path';
import { registerInProcess } from '../lib/cni/inprocess.ts';
import { runPlugin } from '../lib/cni/skel.ts';
import { processIO } from '../lib/cni/stdio.ts';
import { PLUGINS } from './plugins.ts';

// Inside a single executable application argv[1] is the path it was invoked by; from source
// (`node bin/multicall.ts <name>`) the plugin name is the first argument.
function invokedName(): string {
  const sea = process.getBuiltinModule('node:sea');
  return basename((sea?.isSea() ? process.argv[1] : process.argv[2]) ?? '');
}

async function main(): Promise<number> {
  const name = invokedName();
  const load = Object.hasOwn(PLUGINS, name) ? PLUGINS[name] : undefined;
  if (!load) {
    const known = Object.keys(PLUGINS).join(', ') || '(none)';
    process.stderr.write(`cni-ts: unknown plugin name "${name}": invoke this executable through a link named after a plugin (${known})\n`);
    return 2;
  }
  registerInProcess((plugin) => (Object.hasOwn(PLUGINS, plugin) ? PLUGINS[plugin]!() : undefined));
  return runPlugin(await load(), processIO());
}

main().then((code) => {
  process.exitCode = code;
});
