// route_localnet on the host link that routes to the container, so that 127.0.0.1:hostPort can
// be DNATed across it (127/8 is otherwise a martian there). Like the reference it is never
// reverted: other containers behind the same link may rely on it.
import { openNetlink, writeSysctl } from '../../lib/net/index.ts';

export async function enableRouteLocalnet(containerAddress: string): Promise<void> {
  const nl = await openNetlink();
  let name: string;
  try {
    const oif = await nl.routeGetOif(containerAddress);
    if (oif === undefined) return;
    name = (await nl.getLink(oif)).name;
  } catch {
    return; // as the reference: no route, no interface, nothing to enable
  } finally {
    nl.close();
  }
  try {
    writeSysctl(`net/ipv4/conf/${name}/route_localnet`, '1');
  } catch (err) {
    throw new Error(`unable to enable route_localnet: ${(err as Error).message}`, { cause: err });
  }
}
