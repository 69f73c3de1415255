// Typed entry points to our N-API addon. The addon is loaded on first call, so a verb that
// needs neither a namespace switch, a lock nor netlink never pays for it.
//
// Errors are Node-style system errors: `code` ('EBADF', 'EINVAL', 'EAGAIN' for a held lock
// with nonBlocking, which is EWOULDBLOCK on Linux), `errno` (negative, as in fs errors) and
// `syscall`.
import { loadAddon } from './load.ts';

interface NativeAddon {
  setns(fd: number, nstype: 'net'): void;
  flock(fd: number, op: FlockOp, nonBlocking: boolean): void;
  chroot(path: string): void;
  lockFile(path: string, timeoutMs: number): number;
  replaceFile(spare: string, path: string, text: string, mode: number): void;
  replaceIfSame(lock: string, timeoutMs: number, spare: string, path: string, expected: string, text: string, mode: number): boolean;
  appendFile(path: string, text: string, mode: number, max: number): boolean;
  netlinkOpen(protocol: number): number;
  netlinkRequest(fd: number, message: Buffer, timeoutMs: number): Buffer;
  netlinkRequestAsync(fd: number, message: Buffer, timeoutMs: number): Promise<Buffer>;
  netlinkClose(fd: number): void;
}

export type FlockOp = 'ex' | 'sh' | 'un';

function addon(): NativeAddon {
  return loadAddon('native') as NativeAddon;
}

/** Moves the calling (main) thread into the namespace `fd` refers to. */
export function setns(fd: number, nstype: 'net'): void {
  addon().setns(fd, nstype);
}

/** flock(2) on `fd`; without nonBlocking a contended lock blocks the whole process. */
export function flock(fd: number, op: FlockOp, nonBlocking = false): void {
  addon().flock(fd, op, nonBlocking);
}

/** `path` opened (made 0644 if missing) and flock'ed exclusively, polling each millisecond:
 *  ETIMEDOUT after `timeoutMs`. Closing the returned fd releases the lock. */
export function lockFile(path: string, timeoutMs: number): number {
  return addon().lockFile(path, timeoutMs);
}

/** `text` written over `spare` (made with `mode` if missing), which then atomically takes the
 *  place of `path`: exchanged with it, the old file becoming the next spare (renamed when there is
 *  no `path` yet). */
export function replaceFile(spare: string, path: string, text: string, mode: number): void {
  addon().replaceFile(spare, path, text, mode);
}

/** Under lockFile(lock, timeoutMs), and only if `path` still holds `expected` ('' for a missing
 *  file), replaceFile(spare, path, text, mode): true; false, with nothing written, otherwise. */
export function replaceIfSame(lock: string, timeoutMs: number, spare: string, path: string, expected: string, text: string, mode: number): boolean {
  return addon().replaceIfSame(lock, timeoutMs, spare, path, expected, text, mode);
}

/** `text` appended in one write(2) on an O_APPEND descriptor (the file made with `mode`), unless
 *  the file already holds `max` bytes: then false, and nothing written. */
export function appendFile(path: string, text: string, mode: number, max: number): boolean {
  return addon().appendFile(path, text, mode, max);
}

/** chroot(2) to `path`, then chdir to the new root: every later path is resolved under it. The
 *  addon is loaded first, so it comes from outside the new root. */
export function chroot(path: string): void {
  addon().chroot(path);
}

/** The addon's blocking netlink socket, as one object so that tests can hand RtSocket a fake. */
export interface NetlinkCalls {
  /** A socket of `protocol` (0 rtnetlink, 12 nfnetlink), bound, in the calling thread's namespace. */
  open(protocol: number): number;
  /** Sends one message (the addon sets its sequence number) and returns the whole messages of
   *  its answer, headers included, the last one the NLMSG_ERROR or NLMSG_DONE that ended it.
   *  ETIMEDOUT when the kernel has not finished answering within `timeoutMs`; EINTR when every
   *  attempt of a dump was interrupted (NLM_F_DUMP_INTR). */
  request(fd: number, message: Buffer, timeoutMs: number): Buffer;
  /** `request` on a worker thread: the calling thread goes on while the kernel works. The socket
   *  must not be used by anything else until it settles. */
  requestOffThread(fd: number, message: Buffer, timeoutMs: number): Promise<Buffer>;
  close(fd: number): void;
}

export const netlinkCalls: NetlinkCalls = {
  open: (protocol) => addon().netlinkOpen(protocol),
  request: (fd, message, timeoutMs) => addon().netlinkRequest(fd, message, timeoutMs),
  requestOffThread: (fd, message, timeoutMs) => addon().netlinkRequestAsync(fd, message, timeoutMs),
  close: (fd) => addon().netlinkClose(fd),
};

export { addonDir, loadAddon, loadAddonFile } from './load.ts';
export type { AddonName } from './load.ts';
