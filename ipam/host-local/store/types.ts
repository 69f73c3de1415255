// What the host-local allocator needs from its storage, and the reservation file format it
// shares with the reference plugin: one file per address containing "<containerID>\r\n<ifname>".
// Old versions wrote only "<containerID>" ("legacy" reservations). An owner is an attachment of
// the store's network, which the store's directory already names.
import type { AttachmentRef } from '../../../lib/cni/attachment.ts';

/** A reservation as read back: who holds which address file. */
export interface Reservation {
  readonly ip: string;
  readonly holder: Holder;
}

export type Holder = ({ readonly kind: 'attachment' } & AttachmentRef) | { readonly kind: 'legacy'; readonly containerID: string };

/** Whether a DEL also frees legacy id-only files when it found files in the current format. */
export type LegacyRelease = 'fallback' | 'always';

/**
 * Storage of address reservations. Every method but withLock must be called inside withLock,
 * which holds the store's exclusive lock for the whole callback, so a multi-set ADD is atomic.
 * Addresses are the file names: Go's IP.String() text.
 */
export interface IpStore {
  withLock<T>(fn: () => T): T;
  /** Reserves `ip` for `owner` unless it is taken; remembers it as the last one of `rangeId`. */
  reserve(ip: string, owner: AttachmentRef, rangeId: string): boolean;
  /** The raw text of last_reserved_ip.<rangeId>, if any. */
  lastReserved(rangeId: string): string | undefined;
  /** Addresses held by `owner`, or by its container ID in a legacy file. */
  getByID(owner: AttachmentRef): string[];
  /** Frees one address if `owner` holds it (the undo of reserve). */
  release(ip: string, owner: AttachmentRef): void;
  /** Frees every address `owner` holds; legacy files of its ID per `legacy`. Returns how many. */
  releaseByID(owner: AttachmentRef, legacy: LegacyRelease): number;
  /**
   * Frees the reservations made before the running boot, once per boot: no container survives a
   * reboot. Never one made in this boot. Returns how many.
   */
  releaseStale(): number;
  /** Frees one address whoever holds it (GC). */
  releaseIP(ip: string): void;
  /** Whether `owner` (or its ID, in a legacy file) holds any address. */
  findByID(owner: AttachmentRef): boolean;
  /** Every reservation, read from the files themselves. */
  reservations(): Reservation[];
  /** The addresses that are taken: every reservation file name (a listing, also after close). */
  taken(): Set<string>;
  close(): void;
}

export const LINE_BREAK = '\r\n';

/** What the reference writes and matches: the trimmed container ID, CRLF, the ifname. */
export const ownerKey = (o: AttachmentRef): string => `${o.containerID.trim()}${LINE_BREAK}${o.ifname}`;
export const legacyKey = (o: AttachmentRef): string => o.containerID.trim();

const ID_PART = /^[^\s\0]+$/u;

/**
 * Who a reservation file's content names; undefined for content no writer produces: empty, or
 * cut short, or damaged (a crash between create and write, or a file system that lost the data).
 */
export function parseHolder(content: string): Holder | undefined {
  const text = content.trim();
  const cut = text.indexOf(LINE_BREAK);
  if (cut < 0) return ID_PART.test(text) ? { kind: 'legacy', containerID: text } : undefined;
  const containerID = text.slice(0, cut);
  const ifname = text.slice(cut + LINE_BREAK.length);
  return ID_PART.test(containerID) && ID_PART.test(ifname) ? { kind: 'attachment', containerID, ifname } : undefined;
}
