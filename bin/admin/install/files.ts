// Replacing a file so that a reader (a runtime exec'ing a plugin mid-install) sees the old file
// or the new one, never a partial one: write beside it, fsync, rename over it, fsync the
// directory. A file whose content and mode already match is not touched at all (same inode and
// mtime), which keeps a repeated install a no-op.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type Outcome = 'written' | 'replaced' | 'unchanged';

const TEMP_INFIX = '.cni-ts-install-';
const tempBeside = (path: string): string => join(dirname(path), `.${basename(path)}${TEMP_INFIX}${process.pid}`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temp files that an install killed mid-way left in `dir` (ours by name, their
 *  process gone); returns their paths. */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const stale = names.filter((n) => {
    const m = /^\..+\.cni-ts-install-(\d+)$/.exec(n);
    return m !== null && !alive(Number(m[1]));
  });
  for (const n of stale) rmSync(join(dir, n), { force: true });
  return stale.map((n) => join(dir, n));
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes the temp file with `fill`, gives it `mode`, syncs it (`beforeRename` may still act on
 *  it) and renames it over `path`; nothing is left behind when any step fails. */
function replaceWith(path: string, mode: number, fill: (temp: string) => void, beforeRename?: (temp: string) => void): void {
  const temp = tempBeside(path);
  try {
    fill(temp);
    const fd = openSync(temp, 'r+');
    try {
      fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    beforeRename?.(temp);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Whether two files of the same size have the same bytes, read side by side and stopping at the
 *  first difference (the executable is some 100 MB). */
function sameBytes(a: string, b: string): boolean {
  const chunk = 1 << 20;
  const fa = openSync(a, 'r');
  try {
    const fb = openSync(b, 'r');
    try {
      const ba = Buffer.allocUnsafe(chunk);
      const bb = Buffer.allocUnsafe(chunk);
      for (let pos = 0; ; pos += chunk) {
        const na = readSync(fa, ba, 0, chunk, pos);
        const nb = readSync(fb, bb, 0, chunk, pos);
        if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
        if (na === 0) return true;
      }
    } finally {
      closeSync(fb);
    }
  } finally {
    closeSync(fa);
  }
}

/** True when `path` is a regular file with exactly this mode and the content of the file
 *  `source` or of the buffer. */
function matches(path: string, mode: number, content: { readonly source: string } | Buffer): boolean {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st?.isFile() || (st.mode & 0o7777) !== mode) return false;
  if (Buffer.isBuffer(content)) return st.size === content.length && readFileSync(path).equals(content);
  return st.size === lstatSync(content.source).size && sameBytes(path, content.source);
}

const existed = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

/** Puts a copy of the file `source` at `path` with `mode`, leaving neither in the page cache
 *  as read or written: the copy is dropped before it is renamed into place, so no exec ever
 *  maps it from large folios. */
export function installCopy(path: string, source: string, mode: number): Outcome {
  try {
    if (matches(path, mode, { source })) {
      dropCache(path);
      return 'unchanged';
    }
    const outcome = existed(path) ? 'replaced' : 'written';
    replaceWith(path, mode, (temp) => copyFileSync(source, temp, constants.COPYFILE_EXCL), dropCache);
    return outcome;
  } finally {
    dropCache(source);
  }
}

/** Puts `text` at `path` with `mode`. */
export function installText(path: string, text: string, mode: number): Outcome {
  const content = Buffer.from(text);
  if (matches(path, mode, content)) return 'unchanged';
  const outcome = existed(path) ? 'replaced' : 'written';
  replaceWith(path, mode, (temp) => {
    const fd = openSync(temp, 'wx', mode);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
  });
  return outcome;
}

/** Makes `path` a symbolic link to `target`. */
export function installSymlink(path: string, target: string): Outcome {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st?.isSymbolicLink() && readlinkSync(path) === target) return 'unchanged';
  const temp = tempBeside(path);
  try {
    symlinkSync(target, temp);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  return st === undefined ? 'written' : 'replaced';
}

/** Drops a file from the page cache. Pages cached by read() or write() come in large folios, and
 *  the kernel maps a whole large folio on each page fault, so every plugin process would map some
 *  MB more of an executable copied or compared that way (the Makefile's drop_cache, same reason).
 *  dd opens it read-only: opened for writing, an exec of it meanwhile fails with ETXTBSY.
 *  Best effort: a machine without dd keeps the cache as it is. */
function dropCache(path: string): void {
  spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none'], { stdio: 'ignore' });
}
