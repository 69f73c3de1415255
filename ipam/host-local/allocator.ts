// Taking one address from one range set (the reference's IPAllocator.Get), over the narrow
// IpStore so it runs the same against the disk and in memory. The caller holds the store lock.
import { CniError, Code, invalidConfig } from '../../lib/cni/errors.ts';
import type { IPConfig } from '../../lib/cni/result.ts';
import { compareIP, formatIP, formatIPWithPrefix, ipEqual, parseIP, type IPAddr } from '../../lib/ip/index.ts';
import type { AttachmentRef } from '../../lib/cni/attachment.ts';
import type { IpStore } from './store/types.ts';
import { candidates } from './iterator.ts';
import type { Range } from './range.ts';
import { rangeFor, rangeSetString, type RangeSet } from './rangeset.ts';

// The reference's messages with codes it does not give (all its errors are 999): a request this
// configuration can never satisfy is the configuration's fault (7); an address in use, an exhausted
// set or an attachment that already holds one can clear up once others are deleted (11).
const busy = (msg: string): CniError => new CniError(Code.TryAgainLater, msg);

const ipConfig = (ip: IPAddr, r: Range): IPConfig => ({
  address: formatIPWithPrefix({ ip, prefixLen: r.subnet.prefixLen }),
  gateway: formatIP(r.gateway),
});

/** The address taken, with the reservation's file name. Throws with the reference's messages. */
export function allocate(store: IpStore, set: RangeSet, setIndex: number, owner: AttachmentRef, requested?: IPAddr): { ip: string; config: IPConfig } {
  const rangeId = String(setIndex);
  if (requested) {
    const r = rangeFor(set, requested);
    if (!r) throw invalidConfig(`${formatIP(requested)} not in range set ${rangeSetString(set)}`);
    if (ipEqual(requested, r.gateway)) throw invalidConfig(`requested ip ${formatIP(requested)} is subnet's gateway`);
    const name = formatIP(requested);
    if (!store.reserve(name, owner, rangeId)) {
      throw busy(`requested IP address ${name} is not available in range set ${rangeSetString(set)}`);
    }
    return { ip: name, config: ipConfig(requested, r) };
  }

  // The spec forbids a second dynamic allocation to one attachment (the reference's PR #328).
  for (const held of store.getByID(owner)) {
    const ip = parseIP(held);
    if (ip && rangeFor(set, ip)) throw busy(`${formatIP(ip)} has been allocated to ${owner.containerID}, duplicate allocation is not allowed`);
  }
  const lastText = store.lastReserved(rangeId);
  const last = lastText === undefined ? undefined : parseIP(lastText);
  for (const { ip, range } of candidates(set, last)) {
    const name = formatIP(ip);
    if (store.reserve(name, owner, rangeId)) return { ip: name, config: ipConfig(ip, range) };
  }
  throw busy(`no IP addresses available in range set: ${rangeSetString(set)}`);
}

export interface Allocation {
  readonly ips: IPConfig[];
  /** The reservation file names, in range-set order. */
  readonly reserved: string[];
}

/**
 * One address from every range set, all or nothing: a failure frees what this call reserved.
 * Requested addresses go to the first set containing them, in address order, so the outcome
 * never depends on iteration order (the reference walks a Go map here).
 */
export function allocateAll(store: IpStore, sets: readonly RangeSet[], owner: AttachmentRef, requested: readonly IPAddr[]): Allocation {
  const remaining = [...requested].sort(compareIP);
  const out: Allocation = { ips: [], reserved: [] };
  const undo = (): void => {
    for (const ip of out.reserved) store.release(ip, owner);
  };
  sets.forEach((set, i) => {
    const at = remaining.findIndex((ip) => rangeFor(set, ip) !== undefined);
    const want = at >= 0 ? remaining.splice(at, 1)[0] : undefined;
    try {
      const got = allocate(store, set, i, owner, want);
      out.reserved.push(got.ip);
      out.ips.push(got.config);
    } catch (err) {
      undo();
      const msg = `failed to allocate for range ${i}: ${(err as Error).message}`;
      throw err instanceof CniError ? new CniError(err.code, msg, err.details, { cause: err }) : new Error(msg, { cause: err });
    }
  });
  if (remaining.length > 0) {
    undo();
    throw invalidConfig(`failed to allocate all requested IPs: ${remaining.map(formatIP).join(' ')}`);
  }
  return out;
}
