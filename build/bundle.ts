// Bundles the multicall entry into one CommonJS file for the single executable, and writes the
// lists of plugin and tool names the Makefile links to it.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { PLUGINS } from '../bin/plugins.ts';
import { TOOLS } from '../bin/tools.ts';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'dist');

await build({
  entryPoints: [join(root, 'bin/multicall.ts')],
  outfile: join(out, 'cni-ts.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  // lib/native/load.ts reads import.meta only when not running as a single executable.
  logOverride: { 'empty-import-meta': 'silent' },
  logLevel: 'warning',
});
writeFileSync(join(out, 'plugins.txt'), `${Object.keys(PLUGINS).join('\n')}\n`);
writeFileSync(join(out, 'tools.txt'), `${Object.keys(TOOLS).join('\n')}\n`);
