// Traffic between the scenario's own namespaces: ping, and the probe endpoints (probe.ts) started
// with `ip netns exec`, each bounded in time and killed when the scenario ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { selfCommand as selfExec } from '../../lib/native/executable.ts';
import { run } from './proc.ts';

/** How to start this suite's own entry point (from source, or as the single executable). */
const selfCommand = (): string[] => [...selfExec(() => resolve(import.meta.dirname, '../../bin/cni-conformance.ts')), 'probe'];

export async function ping(ns: string, address: string, count = 1): Promise<boolean> {
  const r = await run('ip', ['netns', 'exec', ns, 'ping', '-c', String(count), '-W', '2', address], { timeoutMs: 10_000 });
  return r.code === 0;
}

export interface Server {
  readonly child: ChildProcess;
  stop(): void;
  /** What a UDP receiver got (resolves when it exits). */
  readonly output: Promise<string>;
}

function start(ns: string, args: string[]): Promise<Server> {
  const [file, ...rest] = selfCommand();
  const child = spawn('ip', ['netns', 'exec', ns, file!, ...rest, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const output = new Promise<string>((res) => child.on('close', () => res(out)));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`probe ${args.join(' ')} in ${ns} did not start`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      if (out.startsWith('ready\n')) {
        clearTimeout(timer);
        out = out.slice(6);
        res({ child, output, stop: () => child.kill('SIGKILL') });
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      rej(new Error(`probe ${args.join(' ')} in ${ns} exited ${code}`));
    });
  });
}

/** A TCP server in `ns` answering `reply` (where `{peer}` becomes the client address it sees) to each connection. */
export const serveTcp = (ns: string, port: number, reply: string, seconds = 20): Promise<Server> => start(ns, ['tcp-serve', String(port), reply, String(seconds)]);
export const receiveUdp = (ns: string, port: number, seconds = 10): Promise<Server> => start(ns, ['udp-recv', String(port), String(seconds)]);

/** Connects from `ns` to host:port; returns the reply line, or undefined when it cannot connect. */
export async function tcpGet(ns: string, host: string, port: number, seconds = 3): Promise<string | undefined> {
  const [file, ...rest] = selfCommand();
  const r = await run('ip', ['netns', 'exec', ns, file!, ...rest, 'tcp-get', host, String(port), String(seconds)], { timeoutMs: (seconds + 10) * 1000 });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export async function sendUdp(ns: string, host: string, port: number, text: string, srcPort?: number): Promise<void> {
  const [file, ...rest] = selfCommand();
  await run('ip', ['netns', 'exec', ns, file!, ...rest, 'udp-send', host, String(port), text, ...(srcPort ? [String(srcPort)] : [])], { timeoutMs: 10_000 });
}
