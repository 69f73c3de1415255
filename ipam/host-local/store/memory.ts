// An IpStore in memory with the reference store's semantics, for unit tests of the allocator.
import { legacyKey, ownerKey, parseHolder, type IpStore, type LegacyRelease, type Reservation } from './types.ts';
import type { AttachmentRef } from '../../../lib/cni/attachment.ts';

export interface MemoryStore extends IpStore {
  /** The files: address to content, as the disk store would hold them. */
  readonly files: Map<string, string>;
  readonly last: Map<string, string>;
}

export function memoryStore(): MemoryStore {
  const files = new Map<string, string>();
  const last = new Map<string, string>();
  let locked = false;
  const assertLocked = (): void => {
    if (!locked) throw new Error('store used without its lock');
  };
  const matching = (key: string): string[] => [...files].filter(([, c]) => c.trim() === key).map(([ip]) => ip);
  const releaseKey = (key: string): number => {
    const ips = matching(key);
    for (const ip of ips) files.delete(ip);
    return ips.length;
  };

  return {
    files,
    last,
    withLock(fn) {
      if (locked) throw new Error('store lock is not re-entrant');
      locked = true;
      try {
        return fn();
      } finally {
        locked = false;
      }
    },
    // Memory does not outlive a boot.
    releaseStale: () => 0,
    reserve(ip, owner, rangeId) {
      assertLocked();
      if (files.has(ip)) return false;
      files.set(ip, ownerKey(owner));
      last.set(rangeId, ip);
      return true;
    },
    lastReserved(rangeId) {
      assertLocked();
      return last.get(rangeId);
    },
    getByID(owner) {
      assertLocked();
      return [...matching(ownerKey(owner)), ...matching(legacyKey(owner))];
    },
    release(ip, owner) {
      assertLocked();
      if (files.get(ip)?.trim() === ownerKey(owner)) files.delete(ip);
    },
    releaseByID(owner: AttachmentRef, legacy: LegacyRelease) {
      assertLocked();
      const n = releaseKey(ownerKey(owner));
      return n === 0 || legacy === 'always' ? n + releaseKey(legacyKey(owner)) : n;
    },
    releaseIP(ip) {
      assertLocked();
      files.delete(ip);
    },
    findByID(owner) {
      assertLocked();
      return matching(ownerKey(owner)).length > 0 || matching(legacyKey(owner)).length > 0;
    },
    reservations() {
      assertLocked();
      const out: Reservation[] = [];
      for (const [ip, content] of files) {
        const holder = parseHolder(content);
        if (holder) out.push({ ip, holder });
      }
      return out;
    },
    taken() {
      return new Set(files.keys());
    },
    close() {},
  };
}
