// Waiting for IPv6 addresses to leave the tentative state (DAD), as the reference's
// SettleAddresses: poll every 50 ms; DADFAILED is an error; still tentative at the deadline is an
// error only while the link is up.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Netlink } from './netlink.ts';

const INTERVAL_MS = 50;

export async function settleAddresses(nl: Netlink, ifname: string, timeoutMs = 5000): Promise<void> {
  const link = await nl.getLink(ifname);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const addrs = await nl.listAddresses(link.index, 6);
    const failed = addrs.find((a) => a.dadFailed);
    if (failed) throw new Error(`link ${ifname} has address ${failed.ip} in DADFAILED state`);
    if (!addrs.some((a) => a.tentative)) return;
    if (Date.now() > deadline) {
      if ((await nl.getLink(link.index)).operState === 'up') {
        // Our own time limit ran out: code 11, a later try may find DAD done.
        throw Object.assign(new Error(`link ${ifname} still has tentative addresses after ${timeoutMs / 1000} seconds`), { code: 'ETIMEDOUT' });
      }
      return;
    }
    await sleep(INTERVAL_MS);
  }
}
