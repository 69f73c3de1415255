// The on-disk IpStore, byte-compatible with the reference plugin: <dataDir>/<network>/<IP> holds
// "<containerID>\r\n<ifname>" (mode 0600, created O_EXCL), last_reserved_ip.<N> the last address
// taken from range set N, and flock on <dir>/lock excludes every other writer, ours or Go's.
//
// On top of that, an owner index (owner-index.ts) answers "which addresses does this container
// hold" without reading every file. The Go plugin does not know the index, so it is trusted only
// while the network directory is provably unchanged since we last brought the two in line:
// after each of our operations we set the directory's mtime to a sentinel value in the past and
// record it. Whoever creates or removes a file there afterwards (the Go plugin, a crashed ADD, an
// admin) makes the kernel set the mtime to the current time, which cannot equal the sentinel, so
// the next operation reads every file once and rebuilds the index. Even a trusted entry is only
// believed after the address file it names is read and found to hold that owner.
//
// No container survives a reboot, so the first ADD, GC or STATUS of a boot frees the reservations
// made before it (releaseStale). The stamp names a boot that every reservation present at the
// seal was made in or before, and is the running boot from that sweep on: when the directory is
// still sealed, that alone proves which reservations are stale, whatever the wall clock did. When
// another writer changed the directory since, a file is stale only if its change time is earlier
// than the boot's start by a margin; see README.md for what that does and does not guarantee.
import { lstatSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync, type BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import { combineErrors } from '../../../lib/cni/errors.ts';
import { parseIP } from '../../../lib/ip/index.ts';
import { createExclusive, fsyncDir, ioError, isErrno, readIfExists, unlinkIfExists } from './fsio.ts';
import { kernelBoot, type BootClock } from './boot.ts';
import { openLock } from './lock.ts';
import { ensureIndexDir, readEntry, readStamp, rewriteIndex, writeEntry, writeStamp, type Stamp } from './owner-index.ts';
import { indexDir, networkDir } from './paths.ts';
import { legacyKey, ownerKey, parseHolder, type Holder, type IpStore, type Reservation } from './types.ts';

export const LAST_RESERVED_PREFIX = 'last_reserved_ip.';

interface Session {
  readonly stat: BigIntStats;
  readonly stamp: Stamp | undefined;
  /** The directory was, when the session began, exactly as the stamp describes it. */
  readonly sealed: boolean;
  /** The directory is as the index last saw it. */
  trusted: boolean;
  /** Set by a full read of the directory: every key's addresses, authoritative for this session. */
  snapshot: Map<string, string[]> | undefined;
  /** We created or removed entries of the network directory, found the sealed index wrong, or swept in a new boot. */
  modified: boolean;
  /** We created reservation files, whose directory entries must reach the disk before we return. */
  created: boolean;
  /** A change stopped half way: leave the directory unsealed so the next operation rebuilds. */
  broken: boolean;
  /** Reservations older than the running boot have been released. */
  swept: boolean;
  /**
   * The last address reserved per range set, written to last_reserved_ip.<set> only when the
   * operation succeeds: under one lock nobody sees it sooner, and a failed ADD leaves the cursors
   * as it found them.
   */
  readonly cursors: Map<string, string>;
}

/**
 * How much earlier than the boot's start a file's change time must be for the sweep to call it
 * stale without proof from the stamp: covers coarse file times and the uptime's 10 ms steps.
 */
export const BOOT_MARGIN_MS = 60_000;

/** Creates `path` and its missing parents; the first directory it created, if any. */
function mkdirs(path: string, mode: number): string | undefined {
  try {
    return mkdirSync(path, { recursive: true, mode });
  } catch (err) {
    throw ioError(err);
  }
}

/**
 * A past mtime nobody else will produce: ten seconds ago (past the coarsest timestamp granularity
 * of any file system one would keep this on), with random microseconds.
 */
const newSentinel = (): number => Math.floor(Date.now() / 1000) - 10 + (1 + Math.floor(Math.random() * 999_998)) / 1e6;

const exists = (path: string): boolean => {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw ioError(err);
  }
};

/** A file's change time (which utimes cannot set back); gone files count as new: nothing to free. */
function changedMs(path: string): number {
  try {
    return lstatSync(path).ctimeMs;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return Infinity;
    throw ioError(err);
  }
}

/**
 * Network directories an ADD of this process created, with the first directory its mkdir made.
 * A DEL in the same process that empties one again (the rollback of a bridge ADD that delegated
 * to us in-process) removes it, so that the failed ADD leaves no file behind.
 */
const createdHere = new Map<string, string | undefined>();

export interface DiskStore extends IpStore {
  readonly dir: string;
}

/** Opens (creating if needed) the store of `network` under `dataDir`. */
export function openDiskStore(dataDir: string, network: string, boot: BootClock = kernelBoot): DiskStore {
  const dir = networkDir(dataDir, network);
  const idx = indexDir(dataDir, network);
  let fresh = !exists(dir);
  let made = mkdirs(dir, 0o755);
  let lock = openLock(dir);
  let s: Session | undefined;
  let bootId: string | undefined;
  const currentBoot = (): string => (bootId ??= boot.id());

  const session = (): Session => {
    if (!s) throw new Error('store used without its lock');
    return s;
  };
  const statDir = (): BigIntStats => {
    try {
      return statSync(dir, { bigint: true });
    } catch (err) {
      throw ioError(err);
    }
  };

  /** Runs a change; if it fails part way, the directory is left unsealed for the next operation. */
  function change<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      session().broken = true;
      throw err;
    }
  }

  /** Reads every reservation file, reclaims what a crash left unreadable, and rebuilds the index. */
  function rescan(): Map<string, string[]> {
    const ss = session();
    const map = new Map<string, string[]>();
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw ioError(err);
    }
    change(() => {
      for (const e of entries) {
        // Not isFile(): file systems without d_type report every entry as unknown.
        if (e.isDirectory() || !parseIP(e.name)) continue;
        const path = join(dir, e.name);
        const content = readIfExists(path);
        if (content === undefined) continue;
        if (!parseHolder(content)) {
          // Empty or damaged: no writer holds the lock (we do), so it is a crash's leftover.
          unlinkIfExists(path);
          ss.modified = true;
          continue;
        }
        const key = content.trim();
        const list = map.get(key);
        if (list) list.push(e.name);
        else map.set(key, [e.name]);
      }
    });
    ss.snapshot = map;
    ss.trusted = true;
    return map;
  }

  /** The addresses `key` holds, each checked against its file. */
  function lookup(key: string): string[] {
    const ss = session();
    if (!ss.snapshot && !ss.trusted) rescan();
    if (ss.snapshot) return [...(ss.snapshot.get(key) ?? [])];
    const ips = readEntry(idx, key);
    const sound = ips?.every((ip) => parseIP(ip) !== undefined && readIfExists(join(dir, ip))?.trim() === key);
    if (ips && sound) return ips;
    // The sealed index is wrong (a file rewritten in place, or an overflowed entry): repair it,
    // or the next operation would believe it again.
    ss.modified = true;
    return [...(rescan().get(key) ?? [])];
  }

  /** Only a session that changes the directory writes the index: the snapshot all at once, at its end. */
  function setEntry(key: string, ips: string[]): void {
    const snap = session().snapshot;
    if (!snap) return writeEntry(idx, key, ips);
    if (ips.length > 0) snap.set(key, ips);
    else snap.delete(key);
  }

  function releaseKey(key: string): number {
    const ips = lookup(key);
    if (ips.length === 0) return 0;
    change(() => {
      session().modified = true;
      for (const ip of ips) unlinkIfExists(join(dir, ip));
      setEntry(key, []);
    });
    return ips.length;
  }

  function removeOne(ip: string, key: string): void {
    const held = lookup(key);
    change(() => {
      session().modified = true;
      unlinkIfExists(join(dir, ip));
      setEntry(
        key,
        held.filter((x) => x !== ip),
      );
    });
  }

  /**
   * What the new stamp may claim: after a sweep, or when one already ran in this boot, the running
   * boot; otherwise the old claim if the directory was as it said (a session that does not sweep
   * only removes reservations), else nothing.
   */
  function stampBoot(ss: Session): string | undefined {
    if (ss.swept || ss.stamp?.boot === currentBoot()) return currentBoot();
    return ss.sealed ? ss.stamp?.boot : undefined;
  }

  function seal(ss: Session): void {
    const boot = stampBoot(ss);
    const stamp = ss.stamp && ss.stamp.ino === ss.stat.ino ? ss.stamp : undefined;
    const sec = stamp?.mtimeSec ?? newSentinel();
    try {
      utimesSync(dir, Date.now() / 1000, sec);
    } catch (err) {
      throw ioError(err);
    }
    const st = statDir();
    if (!stamp || st.ino !== stamp.ino || st.mtimeNs !== stamp.mtimeNs || stamp.boot !== boot) writeStamp(idx, { ino: st.ino, mtimeNs: st.mtimeNs, mtimeSec: sec, boot });
  }

  /** The parents our mkdir made for the network directory (a new dataDir), while nothing else is in them. */
  function removeMadeParents(): void {
    try {
      for (let p = dirname(dir); made !== undefined && (p === made || p.startsWith(`${made}/`)); p = dirname(p)) rmdirSync(p);
    } catch {
      // another network's directory, or a file, is in there now: it stays
    }
  }

  const holdsNoReservation = (names: readonly string[]): boolean => names.every((n) => n === 'lock' || n.startsWith(LAST_RESERVED_PREFIX));

  /**
   * On a network directory this process created: removes it again if it holds no reservation,
   * so that a failed ADD leaves nothing behind. Under the lock, which openers that raced us
   * notice (see withLock). Whether it did.
   */
  function discard(): boolean {
    try {
      const names = readdirSync(dir);
      if (!holdsNoReservation(names)) return false;
      for (const n of names) if (n !== 'lock') unlinkIfExists(join(dir, n));
      unlinkIfExists(join(dir, 'lock'));
      rmdirSync(dir);
      removeMadeParents();
      return true;
    } catch {
      return false;
    }
  }

  /** After a success: remembers a directory this ADD created, or removes one an earlier ADD of this process created and this operation emptied. */
  function settleCreated(): void {
    if (fresh) {
      createdHere.set(dir, made);
      return;
    }
    if (!createdHere.has(dir)) return;
    try {
      if (!holdsNoReservation(readdirSync(dir))) return;
      // The index goes first: while it is there, the data dir that a new dataDir's mkdir made is not empty.
      rmSync(idx, { recursive: true, force: true });
      rmdirSync(dirname(idx));
    } catch {
      // the index root holds another network's index: it stays
    }
    made = createdHere.get(dir);
    if (discard()) createdHere.delete(dir);
  }

  function writeCursors(ss: Session): void {
    for (const [rangeId, ip] of ss.cursors) {
      try {
        writeFileSync(join(dir, LAST_RESERVED_PREFIX + rangeId), ip, { mode: 0o600 });
      } catch {
        // The reservations stand: a cursor only tells where the next search starts.
      }
    }
  }

  function finish(ss: Session, failed: boolean): void {
    // ADD reports an address only once its reservation would survive a crash, or a restarted
    // host could hand it out again: the file's data is synced at creation, its directory entry
    // here, once for all of the operation's files. Removals are not synced: one lost in a crash
    // leaves a stale reservation for DEL or GC to remove, never an address held twice. Nor is
    // the owner index: each entry is checked against the files, and a directory whose mtime moved
    // is read again in full.
    if (ss.created) fsyncDir(dir);
    if (!failed) writeCursors(ss);
    // Only a change of the directory is worth a write: an operation with nothing to do leaves
    // the disk as it was, and an unsealed directory only costs the next operation a full read.
    if (ss.broken || !ss.modified) return;
    try {
      // A failed operation creates no index for a network that had none (one the Go plugin made).
      if (failed && !exists(idx)) return;
      ensureIndexDir(idx);
      if (ss.snapshot) rewriteIndex(idx, ss.snapshot);
      seal(ss);
    } catch {
      // Only speed is lost: unsealed, the next operation reads every file and tries again.
    }
  }

  return {
    dir,
    withLock(fn) {
      if (s) throw new Error('store lock is not re-entrant');
      while (!lock.lock()) {
        lock.close();
        fresh = !exists(dir);
        made = mkdirs(dir, 0o755) ?? made;
        lock = openLock(dir);
      }
      let done = false;
      try {
        const stat = statDir();
        const stamp = readStamp(idx);
        const sealed = !!stamp && stamp.ino === stat.ino && stamp.mtimeNs === stat.mtimeNs;
        s = { stat, stamp, sealed, trusted: sealed, snapshot: undefined, modified: false, created: false, broken: false, swept: false, cursors: new Map() };
        const out = fn();
        done = true;
        finish(s, false);
        settleCreated();
        fresh = false;
        return out;
      } catch (err) {
        if (!done && s && !(fresh && discard())) {
          try {
            finish(s, true);
          } catch (also) {
            // The error that stopped the operation leads; the failed cleanup goes into its details.
            throw combineErrors([err, also]);
          }
        }
        throw err;
      } finally {
        s = undefined;
        lock.unlock();
      }
    },

    releaseStale() {
      const ss = session();
      if (ss.swept) return 0;
      ss.swept = true;
      if (ss.stamp?.boot === currentBoot()) return 0;
      // Recording the boot is the sweep's one write even when it frees nothing: from then on no
      // sweep runs in this boot, so nothing made in it can be taken for stale, whatever the clock.
      ss.modified = true;
      const all = this.reservations();
      // Sealed, the stamp proves every file present was made in or before the boot it names.
      const proven = ss.sealed && ss.stamp?.boot !== undefined;
      const before = proven ? Infinity : boot.startedMs() - BOOT_MARGIN_MS;
      const stale = all.filter((r) => changedMs(join(dir, r.ip)) < before);
      for (const r of stale) this.releaseIP(r.ip);
      return stale.length;
    },

    reserve(ip, owner, rangeId) {
      session();
      const key = ownerKey(owner);
      const path = join(dir, ip);
      // Taken addresses are the common case while walking a busy range: they cost one open.
      if (!createExclusive(path, key, 0o600)) return false;
      return change(() => {
        const ss = session();
        ss.modified = true;
        ss.created = true;
        // A rescan triggered here already sees the new file: keep the list free of repeats.
        const held = lookup(key).filter((x) => x !== ip);
        setEntry(key, [...held, ip]);
        ss.cursors.set(rangeId, ip);
        return true;
      });
    },

    lastReserved(rangeId) {
      return session().cursors.get(rangeId) ?? readIfExists(join(dir, LAST_RESERVED_PREFIX + rangeId));
    },

    getByID(owner) {
      return [...lookup(ownerKey(owner)), ...lookup(legacyKey(owner))];
    },

    release(ip, owner) {
      const key = ownerKey(owner);
      if (readIfExists(join(dir, ip))?.trim() === key) removeOne(ip, key);
    },

    releaseByID(owner, legacy) {
      const n = releaseKey(ownerKey(owner));
      return n === 0 || legacy === 'always' ? n + releaseKey(legacyKey(owner)) : n;
    },

    releaseIP(ip) {
      const content = readIfExists(join(dir, ip));
      if (content !== undefined) removeOne(ip, content.trim());
    },

    findByID(owner) {
      return lookup(ownerKey(owner)).length > 0 || lookup(legacyKey(owner)).length > 0;
    },

    reservations() {
      const snap = session().snapshot ?? rescan();
      const out: Reservation[] = [];
      for (const [key, ips] of snap) {
        const holder = parseHolder(key) as Holder;
        for (const ip of ips) out.push({ ip, holder });
      }
      return out;
    },

    taken() {
      try {
        return new Set(readdirSync(dir).filter((n) => parseIP(n) !== undefined));
      } catch (err) {
        throw ioError(err);
      }
    },

    close() {
      lock.close();
    },
  };
}
