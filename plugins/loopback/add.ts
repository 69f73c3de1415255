// ADD as the reference's cmdAdd: `lo` up in the container, then its first IPv4 and first IPv6
// address reported (every address on it must be a loopback one), or the prevResult passed on
// unchanged when there is one. Unlike the reference, a refused ADD leaves `lo` down again when
// it was down before.
import { combineErrors } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import type { IPConfig, Result } from '../../lib/cni/result.ts';
import type { Family } from '../../lib/ip/index.ts';
import type { Netlink } from '../../lib/net/index.ts';
import type { LoopbackConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { cidrOf, isLoopback, LO } from './lo.ts';

/** The first address of `family` on lo; throws when any of them is not a loopback address. */
async function firstLoopback(nl: Netlink, family: Family): Promise<string | undefined> {
  const addrs = await nl.listAddresses(LO, family);
  const foreign = addrs.find((a) => !isLoopback(a.ip));
  if (foreign) throw new Error(`loopback interface found with non-loopback address "${foreign.ip}"`);
  return addrs[0] && cidrOf(addrs[0]);
}

/** lo up, and its addresses to report; a refused lo is put back down when it was down. */
async function bringUp(nl: Netlink): Promise<string[]> {
  const wasUp = (await nl.getLink(LO)).up;
  await nl.setUp(LO);
  try {
    const found = [await firstLoopback(nl, 4), await firstLoopback(nl, 6)];
    return found.filter((a) => a !== undefined);
  } catch (err) {
    if (wasUp) throw err;
    const undo = await nl.changeLink(LO, { up: false }, `failed to set "${LO}" down`).then(() => undefined, (e: unknown) => e);
    throw undo === undefined ? err : combineErrors([err, undo]);
  }
}

export async function add(req: Request<LoopbackConfig>, deps: Deps): Promise<Result> {
  const nl = await deps.openNetlink(req.netns);
  let addresses: string[];
  try {
    addresses = await bringUp(nl);
  } finally {
    nl.close();
  }
  req.obs.did({ up: LO, addresses });
  if (req.config.prevResult) return req.config.prevResult;
  return {
    cniVersion: req.config.cniVersion,
    interfaces: [{ name: LO, mac: '00:00:00:00:00:00', sandbox: req.netns }],
    ...(addresses.length > 0 && { ips: addresses.map((address): IPConfig => ({ interface: 0, address })) }),
  };
}
