// Runs a built plugin exactly as a runtime does: exec with CNI_* variables and JSON on stdin.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN_DIR = resolve(ROOT, 'dist/bin');
export const REFERENCE_DIR = '/usr/lib/cni';

export interface Invocation {
  readonly command: string;
  readonly containerID?: string;
  readonly netns?: string;
  readonly ifname?: string;
  readonly args?: string;
  readonly path?: string;
  /** Extra or overriding variables; a value of undefined removes the variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdin?: string | object;
}

export interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function cniEnv(inv: Invocation): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, CNI_COMMAND: inv.command };
  const set = (k: string, v: string | undefined): void => {
    if (v !== undefined) env[k] = v;
  };
  set('CNI_CONTAINERID', inv.containerID);
  set('CNI_NETNS', inv.netns);
  set('CNI_IFNAME', inv.ifname);
  set('CNI_ARGS', inv.args);
  set('CNI_PATH', inv.path);
  for (const [k, v] of Object.entries(inv.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Execs `file` (a path, or a plugin name in dist/bin) and returns its exit code and output. */
export function execPlugin(file: string, inv: Invocation): Outcome {
  const path = file.includes('/') ? file : resolve(BIN_DIR, file);
  const input = typeof inv.stdin === 'string' ? inv.stdin : inv.stdin === undefined ? '' : JSON.stringify(inv.stdin);
  const r = spawnSync(path, [], { env: cniEnv(inv), input, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The error object a failed plugin printed on stdout. */
export function errorOf(o: Outcome): { code: number; msg: string; details?: string } {
  if (o.code === 0) throw new Error(`expected a failure, got success: ${o.stdout}`);
  return JSON.parse(o.stdout) as { code: number; msg: string; details?: string };
}
