// Kernel errors as Node-style system errors (code, negative errno) whose message names the
// operation and object, and ends with the errno text as Go prints it ("file exists"), so
// messages read like the reference plugins'.
import { constants } from 'node:os';
import { getSystemErrorMessage, getSystemErrorName } from 'node:util';

export interface ErrnoError extends Error {
  code: string;
  /** Negative, like Node's fs errors: -17 is EEXIST. */
  errno: number;
  syscall?: string;
}

// Linux strerror texts; Go lower-cases their first letter.
const TEXT: Record<string, string> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process',
  EINTR: 'interrupted system call',
  EIO: 'input/output error',
  ENXIO: 'no such device or address',
  EBADF: 'bad file descriptor',
  EAGAIN: 'resource temporarily unavailable',
  ENOMEM: 'cannot allocate memory',
  EACCES: 'permission denied',
  EBUSY: 'device or resource busy',
  EEXIST: 'file exists',
  ENODEV: 'no such device',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EINVAL: 'invalid argument',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ERANGE: 'numerical result out of range',
  ENAMETOOLONG: 'file name too long',
  ENOSYS: 'function not implemented',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  EMSGSIZE: 'message too long',
  EPROTONOSUPPORT: 'protocol not supported',
  EOPNOTSUPP: 'operation not supported',
  EAFNOSUPPORT: 'address family not supported by protocol',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ENETDOWN: 'network is down',
  ENETUNREACH: 'network is unreachable',
  ENOBUFS: 'no buffer space available',
  EHOSTUNREACH: 'no route to host',
};

/** The errno name for a positive or negative errno ('EEXIST'). Linux's 95 is named as Go
 *  and the kernel headers do, EOPNOTSUPP, where libuv says ENOTSUP. */
export function errnoCode(errno: number): string {
  try {
    const name = getSystemErrorName(-Math.abs(errno));
    return name === 'ENOTSUP' ? 'EOPNOTSUPP' : name;
  } catch {
    return `E${Math.abs(errno)}`;
  }
}

/** Go's text for an errno code: "file exists". */
export function errnoText(code: string, errno?: number): string {
  const text = TEXT[code];
  if (text !== undefined) return text;
  if (errno === undefined) return code;
  const m = getSystemErrorMessage(-Math.abs(errno));
  return m.charAt(0).toLowerCase() + m.slice(1);
}

/** `<what>: <errno text>`, with code and errno; `errno` may be given positive or negative. */
export function errnoError(what: string, errno: number, extra: { syscall?: string; cause?: unknown } = {}): ErrnoError {
  const code = errnoCode(errno);
  const err = new Error(`${what}: ${errnoText(code, errno)}`, { cause: extra.cause }) as ErrnoError;
  err.code = code;
  err.errno = -Math.abs(errno);
  if (extra.syscall !== undefined) err.syscall = extra.syscall;
  return err;
}

/**
 * Wraps `cause` under a message naming what failed, keeping its code and errno. A Node
 * system error ("ENOENT: no such file or directory, open '/x'") contributes Go's errno text;
 * any other error its own message, so a chain reads "failed to X: failed to Y: file exists".
 */
export function wrapError(what: string, cause: unknown): Error {
  const c = (cause ?? {}) as Partial<ErrnoError>;
  const message = typeof c.message === 'string' ? c.message : String(cause);
  let errno = typeof c.errno === 'number' ? c.errno : 0;
  if (errno === 0 && typeof c.code === 'string' && c.code in constants.errno) {
    errno = constants.errno[c.code as keyof typeof constants.errno];
  }
  if (errno === 0) return new Error(`${what}: ${message}`, { cause });
  const nodeStyle = typeof c.code === 'string' && message.startsWith(`${c.code}: `);
  const err = errnoError(what, errno, { syscall: c.syscall, cause });
  if (!nodeStyle) err.message = `${what}: ${message}`;
  return err;
}

export function hasCode(err: unknown, ...codes: string[]): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}
