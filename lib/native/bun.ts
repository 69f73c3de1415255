// The parts of Bun's global API we call, typed once here (the project does not depend on Bun's
// type package), and undefined on Node. Each use has a Node path beside it.

export interface BunProcess {
  readonly exited: Promise<number>;
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
}

export interface BunApi {
  spawn(cmd: string[], options: { stdin: Uint8Array; stdout: 'pipe'; stderr: 'pipe'; env?: NodeJS.ProcessEnv }): BunProcess;
  readableStreamToBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array>;
  readonly CryptoHasher: new (algorithm: 'sha512') => { update(text: string, encoding: 'utf8'): { digest(encoding: 'hex'): string } };
  readonly unsafe: { setJITPolicy(scale: number): void };
}

export const bun: BunApi | undefined = (globalThis as { Bun?: BunApi }).Bun;
