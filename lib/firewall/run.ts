// Runs a firewall tool once, feeding a whole batch on stdin: one process per operation, never
// one per rule (nine separate iptables runs cost 15 ms; one iptables-restore 2-2.5 ms).
import { Code, type Coded, type ErrorCode } from '../cni/errors.ts';
import { runProgram, type Exit } from '../native/spawn.ts';

// iptables exits 4 (RESOURCE_PROBLEM) when `-w` gave up on the xtables lock; nft says EBUSY's text.
const BUSY = /Another app is currently holding the xtables lock|Resource busy|resource temporarily unavailable/i;

/** A failed tool's CNI code: busy is worth a retry (11), anything else is the tool's own code. */
function toolCode(file: string, exitCode: number | null, stderr: string): ErrorCode {
  const tool = file.slice(file.lastIndexOf('/') + 1);
  const iptables = /^ip6?tables/.test(tool);
  if ((iptables && exitCode === 4) || BUSY.test(stderr)) return Code.TryAgainLater;
  return iptables ? Code.IptablesFailed : Code.NftablesFailed;
}

export class ToolError extends Error implements Coded {
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly cniCode: ErrorCode;
  constructor(file: string, message: string, exitCode: number | null, stderr: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolError';
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.cniCode = toolCode(file, exitCode, stderr);
  }
}

/** Runs `file args` with `input` on stdin; resolves with stdout, rejects with a ToolError. */
export async function runTool(file: string, args: readonly string[], input = ''): Promise<string> {
  let exit: Exit;
  try {
    exit = await runProgram(file, args, { input, env: { ...process.env, LC_ALL: 'C' } });
  } catch (e) {
    throw new ToolError(file, `${file}: ${(e as Error).message}`, null, '', { cause: e });
  }
  const stderr = exit.stderr.toString('utf8').trim();
  if (exit.code === 0) return exit.stdout.toString('utf8');
  throw new ToolError(file, `${[file, ...args].join(' ')} failed (exit ${exit.code}): ${stderr}`, exit.code, stderr);
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
