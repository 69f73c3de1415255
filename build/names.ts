// Writes the names the executable answers to, one file each for plugins and tools, for the
// Makefile to link and check.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLUGINS } from '../bin/plugins.ts';
import { TOOLS } from '../bin/tools.ts';

const out = resolve(import.meta.dirname, '../dist');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'plugins.txt'), `${Object.keys(PLUGINS).join('\n')}\n`);
writeFileSync(join(out, 'tools.txt'), `${Object.keys(TOOLS).join('\n')}\n`);
