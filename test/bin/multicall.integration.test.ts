// The shipped executable takes no configuration from where it is started: a Bun executable would
// by default read `.env` and `bunfig.toml` from its working directory, and a bunfig preload runs
// arbitrary code, as root here. Every plugin and tool is started in a directory holding both.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN_DIR } from '../helpers/exec.ts';

const test = suite('executable');
const names = (file: string): string[] => readFileSync(join(BIN_DIR, '..', file), 'utf8').split('\n').filter(Boolean);
const PLUGINS = names('plugins.txt');
const TOOLS = names('tools.txt');

const cwd = mkdtempSync(join(tmpdir(), 'cnits-cwd-'));
const marker = join(cwd, 'preload-ran');
writeFileSync(join(cwd, 'preload.ts'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');\n`);
writeFileSync(join(cwd, 'bunfig.toml'), 'preload = ["./preload.ts"]\n[run]\nbun = true\n');
writeFileSync(join(cwd, '.env'), 'CNI_COMMAND=VERSION\nCNI_TS_DELEGATE=exec\n');
writeFileSync(join(cwd, 'tsconfig.json'), '{"compilerOptions":{"paths":{"*":["./preload.ts"]}}}\n');
writeFileSync(join(cwd, 'package.json'), '{"type":"commonjs","imports":{"#x":"./preload.ts"}}\n');

test.after(() => rmSync(cwd, { recursive: true, force: true }));

const run = (name: string, args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(join(BIN_DIR, name), args, { cwd, env: { PATH: process.env.PATH, ...env }, input: '', encoding: 'utf8', timeout: 30_000 });

for (const name of PLUGINS) {
  test(`${name}: neither bunfig.toml's preload nor .env in the cwd has an effect`, () => {
    const version = run(name, [], { CNI_COMMAND: 'VERSION' });
    assert.is(version.status, 0, version.stderr);
    assert.ok(JSON.parse(version.stdout).supportedVersions.length > 0);
    // .env would set CNI_COMMAND=VERSION; without the variable a plugin prints its about text.
    const about = run(name, [], {});
    assert.is(about.stdout, '');
    assert.match(about.stderr, /^CNI \S+ plugin \(cni-ts\)/);
    assert.not.ok(existsSync(marker), 'the bunfig.toml preload ran');
  });
}

for (const name of TOOLS) {
  test(`${name}: --help runs the tool, and nothing from the cwd runs`, () => {
    const r = run(name, ['--help'], {});
    assert.is(r.status, 0, r.stderr);
    assert.ok(r.stdout.startsWith(`Usage: ${name} `), r.stdout);
    assert.not.ok(existsSync(marker), 'the bunfig.toml preload ran');
  });
}

test.run();
