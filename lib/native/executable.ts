// What this process was started as, on either engine we build for: a Bun single executable (what
// we ship), a Node 24 single executable application (`make node`), or a script run from source.
// The engines put the invoked name in different places; every caller asks here.
import { basename, dirname, join } from 'node:path';
import { bun } from './bun.ts';

export type Engine = 'bun' | 'node';

export const engine: Engine = bun === undefined ? 'node' : 'bun';

/** True inside a single executable, false when a script is run from source. */
export function isSingleExecutable(): boolean {
  // Bun runs the embedded entry from its virtual file system; Node answers through node:sea.
  if (engine === 'bun') return process.argv[1]?.startsWith('/$bunfs/') ?? false;
  return process.getBuiltinModule('node:sea')?.isSea() ?? false;
}

/** The path this process was invoked by: the link (`bridge`, `cnitool`, ...) for the single
 *  executable; from source (`<engine> bin/multicall.ts <name>`), the first argument. */
export function invokedPath(): string {
  if (!isSingleExecutable()) return process.argv[2] ?? '';
  // Bun keeps the invoked path in argv0 (argv[1] is the embedded entry); Node in argv[1].
  return (engine === 'bun' ? process.argv0 : process.argv[1]) ?? '';
}

/** The name the multicall entry dispatches on. */
export const invokedName = (): string => basename(invokedPath());

/** The command that runs this executable again under the same name (from source: the same
 *  engine with `script()`, asked only then: a bundle has no source paths); an invoked path
 *  without a directory is taken beside the executable. */
export function selfCommand(script: () => string): string[] {
  if (!isSingleExecutable()) return [process.execPath, script()];
  const path = invokedPath();
  return [path.includes('/') ? path : join(dirname(process.execPath), path)];
}
