// The store's lock: flock(LOCK_EX) on <dir>/lock, exactly what the reference's go-filemutex
// takes, so that our plugin and the Go plugin exclude each other on one data directory.
//
// Unlike the reference, which waits forever, a waiter gives up with "try again later" (11) when
// the network has not changed for LOCK_TIMEOUT_MS: the holder is hung, and a runtime retries
// instead of piling up plugin processes behind it. A long queue of working holders is no reason
// to give up, so any change of the directory restarts the wait. flock has no timeout, so the wait
// polls, with a sleep that doubles up to MAX_SLEEP_MS: 1,000 waiters polling every 32 ms or less
// took both cores from the holders (844 of 1,000 concurrent ADDs timed out); at 256 ms they cost
// little, and the first poll after a release still comes within a few ms when many wait.
import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CniError, Code } from '../../../lib/cni/errors.ts';
import { flock } from '../../../lib/native/index.ts';
import { ioError, isErrno } from './fsio.ts';

export const LOCK_TIMEOUT_MS = 60_000;
const MAX_SLEEP_MS = 256;

export interface FileLock {
  /** Takes the lock; false when the lock file was removed meanwhile (the lock then guards nothing). */
  lock(): boolean;
  unlock(): void;
  close(): void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** When the directory last changed (an entry made or removed, or our seal); 0 once it is gone. */
function changed(dir: string): number {
  try {
    return statSync(dir).ctimeMs;
  } catch {
    return 0;
  }
}

export function openLock(dir: string, timeoutMs = LOCK_TIMEOUT_MS): FileLock {
  const path = join(dir, 'lock');
  let fd: number;
  try {
    // go-filemutex opens with O_CREAT|O_RDONLY and mode 0750; do the same so the file looks alike.
    fd = openSync(path, constants.O_CREAT | constants.O_RDONLY, 0o750);
  } catch (err) {
    throw ioError(err);
  }
  const take = (): void => {
    let seen = -1;
    let deadline = 0;
    for (let wait = 1; ; wait = Math.min(wait * 2, MAX_SLEEP_MS)) {
      try {
        return flock(fd, 'ex', true);
      } catch (err) {
        if (!isErrno(err, 'EAGAIN')) throw ioError(err);
      }
      const now = Date.now();
      const at = changed(dir);
      if (at !== seen) {
        seen = at;
        deadline = now + timeoutMs;
      } else if (now >= deadline) {
        throw new CniError(Code.TryAgainLater, `timed out after ${timeoutMs / 1000}s without progress waiting for the lock ${path}`);
      }
      Atomics.wait(pause, 0, 0, wait / 2 + Math.random() * wait);
    }
  };
  return {
    lock() {
      take();
      // A failed ADD on a new network removes its directory, lock file included, under the lock.
      try {
        return statSync(path, { bigint: true }).ino === fstatSync(fd, { bigint: true }).ino;
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return false;
        throw ioError(err);
      }
    },
    unlock: () => flock(fd, 'un'),
    // Closing the descriptor drops the lock too, should an unlock have been skipped.
    close: () => closeSync(fd),
  };
}
