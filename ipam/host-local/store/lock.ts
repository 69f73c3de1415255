// The store's lock: flock(LOCK_EX) on <dir>/lock, exactly what the reference's go-filemutex
// takes, so that our plugin and the Go plugin exclude each other on one data directory.
//
// Unlike the reference, which waits forever, a lock that stays taken for LOCK_TIMEOUT_MS gives
// "try again later" (11): a runtime retries, and a hung holder no longer piles up plugin
// processes behind it. The wait polls with a growing, jittered sleep, since flock has no timeout.
import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CniError, Code } from '../../../lib/cni/errors.ts';
import { flock } from '../../../lib/native/index.ts';
import { ioError, isErrno } from './fsio.ts';

export const LOCK_TIMEOUT_MS = 60_000;

export interface FileLock {
  /** Takes the lock; false when the lock file was removed meanwhile (the lock then guards nothing). */
  lock(): boolean;
  unlock(): void;
  close(): void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

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
    const deadline = Date.now() + timeoutMs;
    for (let wait = 1; ; wait = Math.min(wait * 2, 32)) {
      try {
        return flock(fd, 'ex', true);
      } catch (err) {
        if (!isErrno(err, 'EAGAIN')) throw ioError(err);
      }
      if (Date.now() >= deadline) throw new CniError(Code.TryAgainLater, `timed out after ${timeoutMs / 1000}s waiting for the lock ${path}`);
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
