// `make node`: bundles the multicall entry into one CommonJS file for Node's single executable
// application (the fallback build; the Bun build needs no separate bundler).
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

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
