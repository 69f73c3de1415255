// Running programs for the suite: a plugin exec'd as a runtime does (env + stdin, optionally in
// the scenario's "host" namespace), and plain tools (ip, iptables-save, nft) with a time limit.
import { spawn } from 'node:child_process';

export interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly timeoutMs?: number;
}

export function run(file: string, args: readonly string[], o: RunOptions = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: o.env ?? { PATH: process.env.PATH, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(o.input ?? '');
  });
}

/** Runs a tool and returns its stdout; a non-zero exit is an error naming the command. */
export async function tool(file: string, args: readonly string[], o: RunOptions = {}): Promise<string> {
  const r = await run(file, args, o);
  if (r.code !== 0) throw new Error(`${[file, ...args].join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** The same tool run inside a named network namespace. */
export const inNetns = (ns: string, file: string, args: readonly string[], o: RunOptions = {}): Promise<string> => tool('ip', ['netns', 'exec', ns, file, ...args], o);
