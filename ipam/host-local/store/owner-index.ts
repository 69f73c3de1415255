// The owner index: for each reservation key ("id\r\nifname", or a legacy "id") the addresses it
// holds, so DEL, CHECK and the duplicate check of ADD read a few files instead of every file in
// the network directory (the reference reads them all, every time).
//
// Each entry is a symlink named after the key whose target text is the address list: reading
// one is a single readlink, writing one is atomic (symlink then rename), and there is no file
// data a crash could leave half written. The index is only a hint: the reservation files stay
// the truth, see disk.ts for when it is trusted and how every entry is checked.
import { mkdirSync, readdirSync, readlinkSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ioError, isErrno, unlinkIfExists } from './fsio.ts';

const STAMP = '.stamp';
/** Target of an entry whose list is too long for a symlink: "unknown here, read the files". */
export const OVERFLOW = '*';
const MAX_NAME = 255;
const MAX_TARGET = 4000;

/** The entry file name for a key: reversible, never hidden, never "." or ".."; undefined if too long. */
export function entryName(key: string): string | undefined {
  const name = encodeURIComponent(key).replace(/^\./, '%2E');
  return name.length <= MAX_NAME ? name : undefined;
}

function keyOf(name: string): string | undefined {
  try {
    return decodeURIComponent(name);
  } catch {
    return undefined;
  }
}

export function ensureIndexDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw ioError(err);
  }
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'EINVAL')) return undefined;
    throw ioError(err);
  }
}

function replaceLink(dir: string, name: string, target: string): void {
  const tmp = join(dir, `.tmp-${process.pid}`);
  try {
    unlinkIfExists(tmp);
    symlinkSync(target, tmp);
    renameSync(tmp, join(dir, name));
  } catch (err) {
    throw ioError(err);
  }
}

/**
 * The addresses recorded for `key`: [] when there is no entry, undefined when the index cannot
 * answer (the key is too long to be an entry, or its list overflowed).
 */
export function readEntry(dir: string, key: string): string[] | undefined {
  const name = entryName(key);
  if (name === undefined) return undefined;
  const target = readLink(join(dir, name));
  if (target === undefined || target === '') return [];
  if (target === OVERFLOW) return undefined;
  return target.split(',');
}

export function writeEntry(dir: string, key: string, ips: readonly string[]): void {
  const name = entryName(key);
  if (name === undefined) return; // such a key is never looked up in the index
  if (ips.length === 0) return unlinkIfExists(join(dir, name));
  const target = [...ips].sort().join(',');
  replaceLink(dir, name, target.length <= MAX_TARGET ? target : OVERFLOW);
}

/** Makes the index hold exactly `entries`, touching only the entries that differ. */
export function rewriteIndex(dir: string, entries: ReadonlyMap<string, readonly string[]>): void {
  const wanted = new Map<string, string>();
  for (const [key, ips] of entries) {
    const name = entryName(key);
    if (name !== undefined && ips.length > 0) wanted.set(name, key);
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw ioError(err);
  }
  const present = new Set<string>();
  for (const name of names) {
    if (name === STAMP) continue;
    const key = wanted.has(name) ? wanted.get(name) : undefined;
    if (key === undefined || keyOf(name) !== key) unlinkIfExists(join(dir, name));
    else present.add(name);
  }
  for (const [name, key] of wanted) {
    const ips = entries.get(key)!;
    const target = [...ips].sort().join(',');
    const want = target.length <= MAX_TARGET ? target : OVERFLOW;
    if (!present.has(name) || readLink(join(dir, name)) !== want) replaceLink(dir, name, want);
  }
}

/** What the network directory looked like when the index last matched it exactly. */
export interface Stamp {
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  /** The mtime we set, in seconds, exactly as passed to utimes (it maps to mtimeNs). */
  readonly mtimeSec: number;
  /**
   * A boot that every reservation present at that moment was made in or before; undefined when
   * unknown. It is the running boot once a sweep of stale reservations has run in it.
   */
  readonly boot: string | undefined;
}

const UNKNOWN_BOOT = '-';

export function readStamp(dir: string): Stamp | undefined {
  const text = readLink(join(dir, STAMP));
  // Version 1 stamps predate the boot field: their boot is unknown.
  const m = text && /^(?:1|2 (\S+)) (\d+) (\d+) (\d+(?:\.\d+)?)$/.exec(text);
  if (!m) return undefined;
  const boot = m[1] === undefined || m[1] === UNKNOWN_BOOT ? undefined : m[1];
  return { ino: BigInt(m[2]!), mtimeNs: BigInt(m[3]!), mtimeSec: Number(m[4]), boot };
}

export function writeStamp(dir: string, stamp: Stamp): void {
  replaceLink(dir, STAMP, `2 ${stamp.boot ?? UNKNOWN_BOOT} ${stamp.ino} ${stamp.mtimeNs} ${stamp.mtimeSec}`);
}
