// RTM_GETROUTE for one destination: which link the kernel would send a packet to an address
// through (`ip route get`). Built on the Netlink class's public request().
import { afOf, ipBytes, parseAddr } from './addr.ts';
import { attr, parseAttrs, readU32, RTM, rtmsg } from './codec.ts';
import type { Netlink } from './netlink.ts';

const RTA_DST = 1;
const RTA_OIF = 4;

/** The outgoing link's index for `address`; undefined when the kernel has no route. */
export async function routeGetOif(nl: Netlink, address: string): Promise<number | undefined> {
  const ip = parseAddr(address);
  const body = Buffer.concat([rtmsg({ family: afOf(ip.family), dstLen: ip.family === 4 ? 32 : 128 }), attr(RTA_DST, ipBytes(ip))]);
  let parts: Buffer[];
  try {
    parts = await nl.request({ type: RTM.GETROUTE, flags: 0, body }, `failed to get route to ${address}`);
  } catch {
    return undefined;
  }
  for (const p of parts) {
    const oif = parseAttrs(p, 12).get(RTA_OIF);
    if (oif) return readU32(oif, 0);
  }
  return undefined;
}
