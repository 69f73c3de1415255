// The process edge: everything the dispatcher reads from or writes to the outside world, so
// that it can be driven by tests and by in-process delegation exactly as by an exec.
import { readFileSync, writeSync } from 'node:fs';

export interface PluginIO {
  readonly env: Readonly<Record<string, string | undefined>>;
  readStdin(): Promise<Buffer>;
  writeStdout(text: string): void;
  writeStderr(text: string): void;
}

async function readStdinAsync(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads all of fd 0: synchronously when it can (the common pipe case), else through a stream. */
export async function readProcessStdin(): Promise<Buffer> {
  try {
    return readFileSync(0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') return readStdinAsync();
    if (code === 'EBADF' || code === 'EOF') return Buffer.alloc(0);
    throw err;
  }
}

/**
 * Writes all of `text` to a file descriptor synchronously. Going through the fd instead of
 * process.stdout spares every invocation loading Node's stream and net modules; a reader that
 * went away (EPIPE) is not worth failing for, and a non-blocking pipe (EAGAIN) is retried.
 */
export function writeFd(fd: number, text: string | Uint8Array): void {
  let buf = typeof text === 'string' ? Buffer.from(text) : text;
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw err;
    }
  }
}

export const processIO = (): PluginIO => ({
  env: process.env,
  readStdin: readProcessStdin,
  writeStdout: (text) => writeFd(1, text),
  writeStderr: (text) => writeFd(2, text),
});
