// Delegation without a second process: when the plugin found through CNI_PATH is this very
// executable (same device and inode, whatever its name), it is run in this process with exactly
// the stdin, environment and output contract of an exec. Saves a whole Node start-up (about
// 25 ms) per delegated call. CNI_TS_DELEGATE=exec turns it off.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { AnyPlugin } from './plugin.ts';
import { runPlugin } from './skel.ts';
import { writeFd } from './stdio.ts';

export type PluginLoader = (name: string) => Promise<AnyPlugin> | undefined;

let loader: PluginLoader | undefined;
let self: { dev: number; ino: number } | undefined;

/** Called once by the executable's entry with the table of plugins it carries. */
export function registerInProcess(load: PluginLoader): void {
  loader = load;
  try {
    const st = statSync(process.execPath);
    self = { dev: st.dev, ino: st.ino };
  } catch {
    self = undefined;
  }
}

export interface Captured {
  readonly code: number;
  readonly stdout: Buffer;
}

/** Runs the plugin at `path` in-process if it is this executable; undefined means "exec it". */
export async function runInProcess(path: string, stdin: Buffer, env: NodeJS.ProcessEnv): Promise<Captured | undefined> {
  if (!loader || !self || env.CNI_TS_DELEGATE === 'exec') return undefined;
  const st = statSync(path);
  if (st.dev !== self.dev || st.ino !== self.ino) return undefined;
  const pending = loader(basename(path));
  if (!pending) return undefined;
  const plugin = await pending;
  let stdout = '';
  const code = await runPlugin(plugin, {
    env,
    readStdin: async () => stdin,
    writeStdout: (t) => (stdout += t),
    writeStderr: (t) => writeFd(2, t),
  });
  return { code, stdout: Buffer.from(stdout) };
}
