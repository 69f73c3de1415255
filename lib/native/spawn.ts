// Runs a program to its end with `input` on stdin and collects what it prints: the one way the
// plugins start a process (firewall tools, an IPAM plugin that is not this executable). On Bun,
// Bun.spawn: node:child_process costs a plugin there 3-5 ms and 8 MB of memory more per
// invocation (it loads the stream and net emulation). On Node, node:child_process, loaded only
// when a process is started.
import { engine } from './executable.ts';

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
  return engine === 'bun' ? runOnBun(file, args, options) : runOnNode(file, args, options);
}

interface BunProcess {
  readonly exited: Promise<number>;
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
}

interface BunRuntime {
  spawn(cmd: string[], options: { stdin: Uint8Array; stdout: 'pipe'; stderr: 'pipe'; env?: NodeJS.ProcessEnv }): BunProcess;
  readableStreamToBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array>;
}

async function runOnBun(file: string, args: readonly string[], { input = '', env }: SpawnOptions): Promise<Exit> {
  const bun = (globalThis as unknown as { Bun: BunRuntime }).Bun;
  const stdin = typeof input === 'string' ? Buffer.from(input) : input;
  const child = bun.spawn([file, ...args], { stdin, stdout: 'pipe', stderr: 'pipe', env: env ?? process.env });
  const [stdout, stderr] = await Promise.all([bun.readableStreamToBytes(child.stdout), bun.readableStreamToBytes(child.stderr), child.exited]);
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
