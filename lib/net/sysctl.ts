// Kernel parameters under /proc/sys. A /proc/sys/net file belongs to the namespace of the
// thread that opened it, so inside a namespace the whole open-read/write-close runs
// synchronously within withNetns.
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { errnoError, wrapError } from './errors.ts';
import { withNetns } from './netns.ts';

/**
 * "net/ipv4/ip_forward" or "net.ipv4.ip_forward" to its /proc/sys path. In the dotted form,
 * as in sysctl(8), a '/' stands for a '.' inside a name: "net.ipv4.conf.eth0/100.forwarding".
 */
export function sysctlPath(key: string): string {
  const firstSep = key.search(/[./]/);
  const dotted = firstSep >= 0 && key[firstSep] === '.';
  const rel = dotted ? key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.')) : key;
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..') || rel.includes('\0')) {
    throw errnoError(`invalid sysctl key "${key}"`, 22);
  }
  return `/proc/sys/${rel}`;
}

function inNetns<T>(netnsPath: string | undefined, fn: () => T): T {
  return netnsPath === undefined ? fn() : withNetns(netnsPath, fn);
}

/** The value with surrounding whitespace trimmed, as Go's sysctl package returns it. */
export function readSysctl(key: string, netnsPath?: string): string {
  const path = sysctlPath(key);
  try {
    return inNetns(netnsPath, () => readFileSync(path, 'utf8')).trim();
  } catch (err) {
    throw wrapError(`failed to read sysctl ${key}`, err);
  }
}

export function writeSysctl(key: string, value: string, netnsPath?: string): void {
  const path = sysctlPath(key);
  try {
    inNetns(netnsPath, () => {
      // O_WRONLY without O_CREAT: some entries are write-only, and none may be created.
      const fd = openSync(path, constants.O_WRONLY);
      try {
        writeSync(fd, value);
      } finally {
        closeSync(fd);
      }
    });
  } catch (err) {
    throw wrapError(`failed to write sysctl ${key}=${value}`, err);
  }
}
