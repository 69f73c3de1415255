// Runs a firewall tool once, feeding a whole batch on stdin: one process per operation, never
// one per rule (nine separate iptables runs cost 15 ms; one iptables-restore 2-2.5 ms).

export class ToolError extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(message: string, exitCode: number | null, stderr: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Runs `file args` with `input` on stdin; resolves with stdout, rejects with a ToolError. */
export async function runTool(file: string, args: readonly string[], input = ''): Promise<string> {
  // Loaded on first use: child_process drags in net, dgram and streams.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new ToolError(`${file}: ${e.message}`, null, '', { cause: e })));
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new ToolError(`${[file, ...args].join(' ')} failed (exit ${code}): ${stderr}`, code, stderr));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Whether the tool ran and exited 0; a missing binary is just "no". */
export async function succeeds(file: string, args: readonly string[], input = ''): Promise<boolean> {
  try {
    await runTool(file, args, input);
    return true;
  } catch {
    return false;
  }
}
