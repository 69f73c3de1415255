// One error type for the whole suite: what the spec calls an "error result". Anything else
// thrown by a verb gets its code at the edge from what caused it (README.md, "Error codes"):
// 999 (internal) only when nothing in its cause chain says more.

export const Code = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnvironment: 4,
  IOFailure: 5,
  DecodingFailure: 6,
  InvalidNetworkConfig: 7,
  InvalidNetns: 8,
  TryAgainLater: 11,
  PluginNotAvailable: 50,
  LimitedConnectivity: 51,
  // Plugin-specific (100 and above): a firewall tool that failed, and a CHECK that found the
  // attachment not as its ADD left it (the spec has no code for that).
  IptablesFailed: 100,
  NftablesFailed: 101,
  CheckFailed: 102,
  Internal: 999,
} as const;

export type ErrorCode = (typeof Code)[keyof typeof Code] | number;

export class CniError extends Error {
  readonly code: ErrorCode;
  readonly details: string;

  constructor(code: ErrorCode, msg: string, details = '', options?: { cause?: unknown }) {
    super(msg, options);
    this.name = 'CniError';
    this.code = code;
    this.details = details;
  }

  /** The wire form: `details` is left out when empty, as the reference does. */
  toJSON(): { code: number; msg: string; details?: string } {
    return this.details ? { code: this.code, msg: this.message, details: this.details } : { code: this.code, msg: this.message };
  }
}

export const invalidConfig = (msg: string, details = '', cause?: unknown): CniError =>
  new CniError(Code.InvalidNetworkConfig, msg, details, { cause });

export const invalidEnv = (msg: string, details = ''): CniError => new CniError(Code.InvalidEnvironment, msg, details);

/** An error that knows its CNI code without being a CniError (a failed tool process). */
export interface Coded extends Error {
  readonly cniCode: ErrorCode;
}

// A lock held, a device busy, a wait that ran out: the same request may well work later.
const BUSY = new Set(['EAGAIN', 'EWOULDBLOCK', 'EBUSY', 'ETIMEDOUT', 'EINTR']);
// The storage failed us, whatever the path was.
const STORAGE = new Set(['EIO', 'ENOSPC', 'EROFS', 'EDQUOT', 'ENOTDIR', 'EISDIR', 'EMFILE', 'ENFILE', 'ENAMETOOLONG']);
// Node's file system calls: any errno from one of these is an I/O failure.
const FILE_CALLS = new Set(['open', 'read', 'write', 'close', 'fsync', 'fdatasync', 'mkdir', 'rmdir', 'rename', 'unlink', 'stat', 'lstat', 'fstat', 'scandir', 'readdir', 'ftruncate', 'link', 'symlink', 'readlink', 'utime', 'futime', 'chmod', 'fchmod', 'chown', 'flock']);

function codeOfOne(e: Error): ErrorCode | undefined {
  if (e instanceof CniError) return e.code;
  const { cniCode, code, syscall } = e as Partial<Coded> & { code?: unknown; syscall?: unknown };
  if (typeof cniCode === 'number') return cniCode;
  if (typeof code !== 'string') return undefined;
  if (BUSY.has(code)) return Code.TryAgainLater;
  if (STORAGE.has(code) || (typeof syscall === 'string' && FILE_CALLS.has(syscall))) return Code.IOFailure;
  return undefined;
}

/** The code of the first error along the cause chain that says what went wrong; else 999. */
export function codeOf(err: unknown): ErrorCode {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 32; e = e.cause, depth++) {
    const code = codeOfOne(e);
    if (code !== undefined) return code;
  }
  return Code.Internal;
}

/** Whatever was thrown, as a CNI error: CNI errors pass through, anything else keeps its message
 *  and gets the code its causes give (codeOf). */
export function toCniError(err: unknown): CniError {
  if (err instanceof CniError) return err;
  if (err instanceof Error) return new CniError(codeOf(err), err.message, '', { cause: err });
  return new CniError(Code.Internal, String(err));
}

const combined = new WeakSet<CniError>();

/**
 * Several failures of one verb as the one error a runtime reads: the first one's code and message,
 * the others' messages appended to its details. All of them stay reachable as the cause. Errors
 * combined before (a step that itself ran several jobs) are taken apart, so that none of their
 * messages is lost in the details.
 */
export function combineErrors(all: readonly unknown[]): CniError {
  const errors = all.flatMap((e) => (e instanceof CniError && combined.has(e) ? (e.cause as AggregateError).errors : [e]));
  const first = toCniError(errors[0]);
  if (errors.length === 1) return first;
  const rest = errors.slice(1).map((e) => (e as Error).message ?? String(e));
  const out = new CniError(first.code, first.message, [first.details, ...rest].filter(Boolean).join('; '), { cause: new AggregateError(errors) });
  combined.add(out);
  return out;
}

/**
 * Waits for every job, whatever fails (DEL, GC and rollbacks do all they can), then throws the
 * failures as one error, if there were any.
 */
export async function settleAll(jobs: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const failed = (await Promise.allSettled(jobs)).flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failed.length > 0) throw combineErrors(failed);
}
