// The store's lock: flock(LOCK_EX) on <dir>/lock, exactly what the reference's go-filemutex
// takes, so that our plugin and the Go plugin exclude each other on one data directory.
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { flock } from '../../../lib/native/index.ts';
import { ioError } from './fsio.ts';

export interface FileLock {
  lock(): void;
  unlock(): void;
  close(): void;
}

export function openLock(dir: string): FileLock {
  let fd: number;
  try {
    // go-filemutex opens with O_CREAT|O_RDONLY and mode 0750; do the same so the file looks alike.
    fd = openSync(join(dir, 'lock'), constants.O_CREAT | constants.O_RDONLY, 0o750);
  } catch (err) {
    throw ioError(err);
  }
  return {
    lock: () => flock(fd, 'ex'),
    unlock: () => flock(fd, 'un'),
    // Closing the descriptor drops the lock too, should an unlock have been skipped.
    close: () => closeSync(fd),
  };
}
