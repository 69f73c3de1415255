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
  exchange(a: string, b: string): void;
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

/** renameat2(a, b, RENAME_EXCHANGE): both must exist; each then names the other's file. */
export function exchange(a: string, b: string): void {
  addon().exchange(a, b);
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
