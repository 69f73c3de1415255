// Runs a program to its end with `input` on stdin and collects what it prints: the one way the
// plugins start a process (firewall tools, an IPAM plugin that is not this executable). On Bun,
// Bun.spawn: node:child_process costs a plugin there 3-5 ms and 8 MB of memory more per
// invocation (it loads the stream and net emulation). On Node, node:child_process, loaded only
// when a process is started.
import { bun, type BunApi } from './bun.ts';

export interface Exit {
  /** The exit status, or null when a signal ended the program. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export interface SpawnOptions {
  readonly input?: string | Uint8Array;
  readonly env?: NodeJS.ProcessEnv;
}

/** Rejects with the system error (`code` ENOENT, ETXTBSY, ...) when the program cannot start. */
export function runProgram(file: string, args: readonly string[], options: SpawnOptions = {}): Promise<Exit> {
  return bun ? runOnBun(bun, file, args, options) : runOnNode(file, args, options);
}

async function runOnBun(api: BunApi, file: string, args: readonly string[], { input = '', env }: SpawnOptions): Promise<Exit> {
  const stdin = typeof input === 'string' ? Buffer.from(input) : input;
  const child = api.spawn([file, ...args], { stdin, stdout: 'pipe', stderr: 'pipe', env: env ?? process.env });
  const [stdout, stderr] = await Promise.all([api.readableStreamToBytes(child.stdout), api.readableStreamToBytes(child.stderr), child.exited]);
  return { code: child.exitCode, signal: child.signalCode, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) };
}

async function runOnNode(file: string, args: readonly string[], { input = '', env }: SpawnOptions): Promise<Exit> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    child.stdin.on('error', () => {}); // a program may exit without reading its input
    child.stdin.end(input);
  });
}
