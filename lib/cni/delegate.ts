// Delegation to another plugin (IPAM) found through CNI_PATH, as libcni's invoke package does:
// same environment but CNI_COMMAND (and TRACEPARENT, when we trace), the whole stdin, its stderr
// passed on, its error (code, msg, details) passed through unchanged.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resultFromWire } from './convert.ts';
import { CniError, Code } from './errors.ts';
import { goList } from './go.ts';
import { parseJsonAsGo } from './gosyntax.ts';
import type { Request } from './plugin.ts';
import type { Result } from './result.ts';
import { runInProcess } from './inprocess.ts';
import { writeFd } from './stdio.ts';
import { configVersion } from './skel.ts';
import { runProgram, type Exit } from '../native/spawn.ts';

export type DelegatedCommand = 'ADD' | 'DEL' | 'CHECK' | 'GC' | 'STATUS';

const internal = (msg: string): CniError => new CniError(Code.Internal, msg);

/** The plugin's executable in CNI_PATH. A bad name is the config's fault (7), a plugin missing
 *  from CNI_PATH the environment's (4). */
export function findInPath(plugin: string, paths: readonly string[]): string {
  if (plugin === '') throw new CniError(Code.InvalidNetworkConfig, 'no plugin name provided');
  if (plugin.includes('/')) throw new CniError(Code.InvalidNetworkConfig, `invalid plugin name: ${plugin}`);
  if (paths.length === 0) throw new CniError(Code.InvalidEnvironment, 'no paths provided');
  for (const dir of paths) {
    const full = join(dir, plugin);
    try {
      if (statSync(full).isFile()) return full;
    } catch {
      // not in this directory
    }
  }
  throw new CniError(Code.InvalidEnvironment, `failed to find plugin ${JSON.stringify(plugin)} in path ${goList(paths)}`);
}

function describeExit(e: Exit): string {
  return e.signal ? `signal: ${e.signal}` : `exit status ${e.code}`;
}

/** libcni's reading of a failed plugin: its stdout error JSON, else its stderr. */
function pluginError(e: Exit): CniError {
  if (e.stdout.length === 0) {
    const stderr = e.stderr.toString('utf8');
    return internal(stderr ? `netplugin failed: ${JSON.stringify(stderr)}: ${describeExit(e)}` : `netplugin failed with no error message: ${describeExit(e)}`);
  }
  try {
    const parsed = parseJsonAsGo(e.stdout) as { code?: unknown; msg?: unknown; details?: unknown };
    return new CniError(Number(parsed.code ?? 0), String(parsed.msg ?? ''), parsed.details ? String(parsed.details) : '');
  } catch (err) {
    return internal(`netplugin failed but error parsing its diagnostic message ${JSON.stringify(e.stdout.toString('utf8'))}: ${(err as Error).message}`);
  }
}

const TEXT_FILE_BUSY_RETRIES = 5;

/** Execs a plugin binary with the given stdin and env; returns its stdout or throws its error. */
export async function execPlugin(path: string, stdin: Buffer, env: NodeJS.ProcessEnv, stderr: (b: Buffer) => void): Promise<Buffer> {
  const inProcess = await runInProcess(path, stdin, env);
  if (inProcess) {
    if (inProcess.code !== 0) throw pluginError({ code: inProcess.code, signal: null, stdout: inProcess.stdout, stderr: Buffer.alloc(0) });
    return inProcess.stdout;
  }
  for (let attempt = 0; ; attempt++) {
    let exit: Exit;
    try {
      exit = await runProgram(path, [], { input: stdin, env });
    } catch (err) {
      // An executable being replaced in place: libcni waits and retries too.
      if ((err as NodeJS.ErrnoException).code === 'ETXTBSY' && attempt < TEXT_FILE_BUSY_RETRIES) {
        await sleep(1000);
        continue;
      }
      throw internal(`failed to exec ${path}: ${(err as Error).message}`);
    }
    if (exit.code !== 0) throw pluginError(exit);
    if (exit.stderr.length > 0) stderr(exit.stderr);
    return exit.stdout;
  }
}

/**
 * Runs `command` on the plugin `type` with this request's stdin and environment. ADD returns the
 * delegate's result, converted to the current version; other verbs return nothing.
 */
export async function delegate(req: Request<unknown>, type: string, command: DelegatedCommand): Promise<Result | undefined> {
  const path = findInPath(type, req.cniPath);
  // With logs or metrics on, the delegate's spans are children of this operation's span.
  const env = { ...req.environ, ...req.obs.traceEnv, CNI_COMMAND: command };
  const stdout = await execPlugin(path, req.stdin, env, (b) => writeFd(2, b));
  if (command !== 'ADD') return undefined;
  let raw: unknown;
  try {
    raw = parseJsonAsGo(stdout) ?? {};
  } catch (err) {
    throw new CniError(Code.DecodingFailure, `failed to unmarshal raw result: ${(err as Error).message}`);
  }
  // A delegate that leaves out cniVersion is taken to answer in the config's version (libcni does so).
  return resultFromWire(raw, configVersion(JSON.parse(req.stdin.toString('utf8'))));
}
