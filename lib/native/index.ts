// Typed entry points to our N-API addon. The addon is loaded on first call, so a verb that
// needs neither a namespace switch nor a lock never pays for it.
//
// Errors are Node-style system errors: `code` ('EBADF', 'EINVAL', 'EAGAIN' for a held lock
// with nonBlocking, which is EWOULDBLOCK on Linux), `errno` (negative, as in fs errors) and
// `syscall`.
import { loadAddon } from './load.ts';

interface NativeAddon {
  setns(fd: number, nstype: 'net'): void;
  flock(fd: number, op: FlockOp, nonBlocking: boolean): void;
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

export { addonDir, loadAddon, loadAddonFile } from './load.ts';
export type { AddonName } from './load.ts';
