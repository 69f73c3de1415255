// One program run with env, stdin, cwd and a time limit, as a runtime execs a plugin. It runs in
// a process group of its own, and the time limit SIGKILLs the whole group: a child it started
// (iptables-restore, a sleep) would otherwise keep the pipes open after the plugin is gone.
import { spawn } from 'node:child_process';
import type { Outcome } from './classify.ts';

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

export function run(file: string, args: readonly string[], o: RunOptions = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(file, args, { env: o.env ?? { PATH: process.env.PATH, LC_ALL: 'C' }, cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, o.timeoutMs ?? 10_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const done = (exit: number | null, signal: string | null, extra = ''): void => {
      clearTimeout(timer);
      resolve({ exit, signal: timedOut ? null : signal, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') + extra, ms: Math.round(performance.now() - start) });
    };
    child.on('error', (e) => done(-1, null, `spawn failed: ${e.message}`));
    child.on('close', (code, signal) => done(code, signal));
    child.stdin.on('error', () => {});
    child.stdin.end(o.input ?? '');
  });
}
