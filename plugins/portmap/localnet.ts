// route_localnet on the host link that routes to the container, so that 127.0.0.1:hostPort can
// be DNATed across it (127/8 is otherwise a martian there). Like the reference it is never
// reverted by DEL: other containers behind the same link may rely on it. Only a failed ADD that
// turned it on turns it off again.
import { openNetlink, readSysctl, writeSysctl } from '../../lib/net/index.ts';

/** Turns route_localnet on; returns how to put back what it was, when this call changed it. */
export async function enableRouteLocalnet(containerAddress: string): Promise<(() => void) | undefined> {
  const nl = await openNetlink();
  let name: string;
  try {
    const oif = await nl.routeGetOif(containerAddress);
    if (oif === undefined) return undefined;
    name = (await nl.getLink(oif)).name;
  } catch {
    return undefined; // as the reference: no route, no interface, nothing to enable
  } finally {
    nl.close();
  }
  const key = `net/ipv4/conf/${name}/route_localnet`;
  try {
    const before = readSysctl(key);
    if (before === '1') return undefined;
    writeSysctl(key, '1');
    return () => writeSysctl(key, before);
  } catch (err) {
    throw new Error(`unable to enable route_localnet: ${(err as Error).message}`, { cause: err });
  }
}
