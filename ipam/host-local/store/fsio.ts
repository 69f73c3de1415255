// File primitives of the store: exclusive durable create, directory fsync, tolerant reads, and
// file system errors worded the way Go words them ("open /x: permission denied").
import { closeSync, constants, fsyncSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { CniError, Code } from '../../../lib/cni/errors.ts';

const O_EXCL_CREATE = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;

/** Creates `path` with `data` only if it does not exist (false if it does), on disk when this returns. */
export function createExclusive(path: string, data: string, mode: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, O_EXCL_CREATE, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError(err);
  }
  try {
    writeSync(fd, data);
    // Without it a crash can leave the file empty: the next scan takes that for a crash's
    // leftover and frees the address while its container still uses it.
    fsyncSync(fd);
  } catch (err) {
    // As the reference does: a reservation that could not be written is no reservation.
    closeQuietly(fd);
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
    throw ioError(err);
  }
  closeSync(fd);
  return true;
}

/** fsync of a directory: makes the creation and removal of its entries durable. */
export function fsyncDir(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch (err) {
    throw ioError(err);
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

/** The file's text, or undefined when it does not exist or cannot be read as a file. */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw ioError(err);
  }
}

export const isErrno = (err: unknown, code: string): boolean => (err as NodeJS.ErrnoException | undefined)?.code === code;

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the error that brought us here is the one worth reporting
  }
}

/** A Node file system error as a CNI I/O error (code 5) with Go's wording; anything else unchanged. */
export function ioError(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof e.code !== 'string' || !e.syscall) return err;
  // Node: "EACCES: permission denied, open '/x'"; Go: "open /x: permission denied".
  const text = /^[A-Z0-9]+: (.*?), /.exec(e.message)?.[1] ?? e.code;
  const msg = e.path ? `${e.syscall} ${e.path}: ${text}` : `${e.syscall}: ${text}`;
  return new CniError(Code.IOFailure, msg, '', { cause: err });
}

/** Removes a file; one that is already gone is fine. */
export function unlinkIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw ioError(err);
  }
}
