// What the verbs need from the outside world, as one object: the store. Unit tests pass a
// memory store; the plugin uses the disk.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CniError, Code } from '../../lib/cni/errors.ts';
import { openDiskStore } from './store/disk.ts';
import { ioError } from './store/fsio.ts';
import { networkDir } from './store/paths.ts';
import type { IpStore } from './store/types.ts';
import type { HostLocalConfig } from './config.ts';

export interface Deps {
  /** The network's store; undefined when `create` is false and the network has none yet. */
  openStore(conf: HostLocalConfig, create: boolean): IpStore | undefined;
  /** Throws (with the reason) unless the network's reservations can be written. */
  checkWritable(conf: HostLocalConfig): void;
}

/**
 * The network's directory if it exists, else the nearest existing one above it, where ADD would
 * create it. A file there (a dataDir that is a regular file) is an error for every verb, as the
 * reference's mkdir makes it one: refusing it only on ADD would accept a bad config elsewhere.
 */
function nearestDir(conf: HostLocalConfig): string {
  const target = networkDir(conf.dataDir, conf.name);
  let dir = target;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  let isDir;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    throw ioError(err);
  }
  if (!isDir) throw new CniError(Code.IOFailure, `mkdir ${target}: not a directory`);
  return dir;
}

export const diskDeps: Deps = {
  openStore(conf, create) {
    if (!create && nearestDir(conf) !== networkDir(conf.dataDir, conf.name)) return undefined;
    return openDiskStore(conf.dataDir, conf.name);
  },
  checkWritable(conf) {
    // The network's directory, or the nearest one ADD would create it in: STATUS creates nothing.
    try {
      // Root passes permission bits, but not a read-only mount: access(W_OK) reports EROFS.
      accessSync(nearestDir(conf), constants.W_OK);
    } catch (err) {
      throw ioError(err);
    }
  },
};

/**
 * Runs `fn` on the network's store under its lock and closes the store whatever happens. Without
 * `create`, a network that has no directory yet gives `absent` and leaves nothing behind.
 */
export function withStore<T>(deps: Deps, conf: HostLocalConfig, create: boolean, absent: T, fn: (store: IpStore) => T): T {
  const store = deps.openStore(conf, create);
  if (!store) return absent;
  try {
    return store.withLock(() => fn(store));
  } finally {
    store.close();
  }
}
