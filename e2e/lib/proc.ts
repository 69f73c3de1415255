// Running commands with a deadline each, and daemons whose output goes to a log file.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';

export interface RunOptions {
  /** Milliseconds before the command is killed (SIGKILL) and counted as failed. */
  readonly timeout?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly cwd?: string;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly ms: number;
}

export class CommandError extends Error {
  readonly result: RunResult;
  constructor(cmd: readonly string[], result: RunResult) {
    const how = result.timedOut ? `timed out after ${result.ms} ms` : result.signal ? `killed by ${result.signal}` : `exit ${result.code}`;
    const out = [result.stderr.trim(), result.stdout.trim()].filter(Boolean).join('\n');
    super(`${cmd.join(' ')}: ${how}${out ? `\n${indent(out)}` : ''}`);
    this.result = result;
  }
}

export function indent(text: string, prefix = '    '): string {
  return text.replace(/^/gm, prefix);
}

const DEFAULT_TIMEOUT = 60_000;

/** Runs `cmd` to completion (or its deadline) and returns its output; never throws for a non-zero exit. */
export function run(cmd: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeout = opts.timeout ?? DEFAULT_TIMEOUT;
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd[0]!, cmd.slice(1), {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, signal: null, stdout, stderr: stderr + String(err.message), timedOut, ms: Date.now() - start });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - start });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Like run, but a non-zero exit, a signal or the deadline throws a CommandError with the output. */
export async function must(cmd: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, opts);
  if (r.code !== 0 || r.timedOut) throw new CommandError(cmd, r);
  return r.stdout;
}

export interface Daemon {
  readonly child: ChildProcess;
  readonly log: string;
  /** SIGTERM, then SIGKILL after `grace` ms; resolves once the process is gone. */
  stop(grace?: number): Promise<void>;
  exited(): boolean;
}

/** Starts a long-running process in its own process group with stdout and stderr appended to `log`. */
export function daemon(cmd: readonly string[], log: string, env?: NodeJS.ProcessEnv): Daemon {
  const fd = openSync(log, 'a');
  const child = spawn(cmd[0]!, cmd.slice(1), { env: env ?? process.env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  let gone = false;
  const done = new Promise<void>((resolve) => {
    child.on('exit', () => {
      gone = true;
      resolve();
    });
    child.on('error', () => {
      gone = true;
      resolve();
    });
  });
  return {
    child,
    log,
    exited: () => gone,
    async stop(grace = 10_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), grace);
      await done;
      clearTimeout(timer);
    },
  };
}

/** The last `lines` lines of a log file, or a note that there is none. */
export function tail(file: string, lines = 60): string {
  if (!existsSync(file)) return `(no ${file})`;
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  const shown = all.slice(-lines).join('\n');
  return all.length > lines ? `(last ${lines} of ${all.length} lines of ${file})\n${shown}` : `(${file})\n${shown}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined, or throws after `timeout` ms with the last error. */
export async function waitFor<T>(what: string, timeout: number, probe: () => Promise<T | undefined>, interval = 200): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${why}`);
    }
    await sleep(interval);
  }
}
