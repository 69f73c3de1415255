// Runs a firewall tool once, feeding a whole batch on stdin: one process per operation, never
// one per rule (nine separate iptables runs cost 15 ms; one iptables-restore 2-2.5 ms).
import { runProgram, type Exit } from '../native/spawn.ts';

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
  let exit: Exit;
  try {
    exit = await runProgram(file, args, { input, env: { ...process.env, LC_ALL: 'C' } });
  } catch (e) {
    throw new ToolError(`${file}: ${(e as Error).message}`, null, '', { cause: e });
  }
  const stderr = exit.stderr.toString('utf8').trim();
  if (exit.code === 0) return exit.stdout.toString('utf8');
  throw new ToolError(`${[file, ...args].join(' ')} failed (exit ${exit.code}): ${stderr}`, exit.code, stderr);
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
