// Running synchronous code inside another network namespace, on the main thread.
//
// setns moves only the calling thread. The work done inside must be synchronous (opening a
// netlink socket, reading or writing /proc/sys/net): an await would resume after we have
// switched back, and libuv's pool threads keep the namespace they were created in. That is
// why the pool is started here, in the original namespace, before the first switch: a pool
// first started by code running inside the switch would stay in the container for good.
import { Code } from '../cni/errors.ts';
import { closeSync, openSync, stat, writeSync } from 'node:fs';
import { setns } from '../native/index.ts';
import { wrapError } from './errors.ts';

const SELF = '/proc/thread-self/ns/net';

let originalFd: number | undefined;
let depth = 0;

/** An fd of the namespace the process started in (the host, for a plugin). It stays open
 *  for the life of the process; it is close-on-exec, so children never see it. */
export function hostNetnsFd(): number {
  if (originalFd === undefined) {
    stat('/', () => {}); // creates libuv's pool threads now, in this namespace
    originalFd = openSync(SELF, 'r');
  }
  return originalFd;
}

/** Opens a namespace file, naming it in the error as the reference does. */
export function openNetns(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw Object.assign(wrapError(`failed to open netns "${path}"`, err), { cniCode: Code.InvalidNetns });
  }
}

/**
 * Runs the synchronous `fn` inside the network namespace at `path` and always switches back,
 * also when `fn` throws. Nested calls return to the namespace of the enclosing call.
 */
export function withNetns<T>(path: string, fn: () => T): T {
  const back = depth === 0 ? hostNetnsFd() : openSync(SELF, 'r');
  const dropBack = (): void => {
    if (back !== originalFd) closeSync(back);
  };
  let target: number;
  try {
    target = openNetns(path);
  } catch (err) {
    dropBack();
    throw err;
  }
  try {
    setns(target, 'net');
  } catch (err) {
    dropBack();
    throw Object.assign(wrapError(`failed to enter netns "${path}"`, err), { cniCode: Code.InvalidNetns });
  } finally {
    closeSync(target);
  }
  depth++;
  try {
    const result = fn();
    if (typeof (result as { then?: unknown } | null)?.then === 'function') {
      throw new TypeError('withNetns: fn returned a promise; only synchronous work may run inside a namespace switch');
    }
    return result;
  } finally {
    depth--;
    try {
      setns(back, 'net');
    } catch (err) {
      cannotReturn(err);
    }
    dropBack();
  }
}

// With an fd held open on the original namespace this cannot fail short of a kernel bug. If it
// ever does, going on would run firewall commands and host netlink calls in the container.
function cannotReturn(err: unknown): never {
  writeSync(2, `cni-ts: fatal: cannot return to the original network namespace: ${(err as Error)?.message ?? err}\n`);
  process.exit(70);
}
