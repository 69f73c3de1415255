// Inside the container: the interface's sysctls, addresses, link up, DAD settling and routes, as
// the reference's cmdAdd + ipam.ConfigureIface. Sysctls are written in one namespace switch.
import type { Result } from '../../lib/cni/result.ts';
import { parseIPWithPrefix } from '../../lib/ip/index.ts';
import type { Netlink } from '../../lib/net/index.ts';
import { hasCode } from '../../lib/net/index.ts';
import type { Deps, Sysctl } from './deps.ts';

const DAD_SETTLE_MS = 5000;

/** The container interface being configured; its ifindex is known from its creation. */
export interface ContainerIface {
  readonly netns: string;
  readonly ifname: string;
  readonly index: number;
  readonly enabledad: boolean;
}

/** The sysctls, in one namespace switch (a /proc/sys/net file belongs to the opener's namespace). */
function containerSysctls(deps: Pick<Deps, 'netnsSysctl'>, { netns, ifname, enabledad }: ContainerIface, ipv6: boolean): void {
  deps.netnsSysctl(netns, (sysctl: Sysctl) => {
    const tryWrite = (key: string, value: string): void => {
      try {
        sysctl.write(key, value);
      } catch {
        // the reference ignores these
      }
    };
    if (enabledad) {
      tryWrite(`net/ipv6/conf/${ifname}/enhanced_dad`, '1');
      tryWrite(`net/ipv6/conf/${ifname}/accept_dad`, '1');
    } else {
      tryWrite(`net/ipv6/conf/${ifname}/accept_dad`, '0');
    }
    tryWrite(`net/ipv4/conf/${ifname}/arp_notify`, '1');
    if (!ipv6) return;
    for (const iface of ['lo', ifname]) {
      const key = `net/ipv6/conf/${iface}/disable_ipv6`;
      let value: string;
      try {
        value = sysctl.read(key);
      } catch {
        continue; // reported on stderr by the reference, not an error
      }
      if (value === '0') continue;
      try {
        sysctl.write(key, '0');
      } catch (err) {
        throw new Error(`failed to enable IPv6 for interface "${iface}" (${key}=${value}): ${(err as Error).message}`, { cause: err });
      }
    }
    try {
      sysctl.write(`net/ipv6/conf/${ifname}/keep_addr_on_down`, '1');
    } catch (err) {
      throw new Error(`failed to enable keep_addr_on_down for interface "${ifname}": ${(err as Error).message}`, { cause: err });
    }
  });
}

/**
 * Sysctls, addresses, link up, DAD settling and routes for the container interface. Every IP of
 * `result` must point at it (index 2 after calcGateways).
 */
export async function configureContainer(deps: Pick<Deps, 'netnsSysctl'>, nl: Netlink, c: ContainerIface, result: Result): Promise<void> {
  const { ifname, index } = c;
  const ips = result.ips ?? [];
  const parsed = ips.map((ip) => ({ ip, addr: parseIPWithPrefix(ip.address)! }));
  containerSysctls(deps, c, parsed.some((p) => p.addr.ip.family === 6));
  const gw: { 4?: string; 6?: string } = {};
  for (const { ip, addr } of parsed) {
    if (ip.interface === undefined) continue;
    if (result.interfaces?.[ip.interface]?.name !== ifname) throw new Error(`failed to add IP addr ${ip.address} to "${ifname}": invalid interface index`);
    await nl.addAddress(index, ip.address).catch((err: Error) => {
      throw new Error(`failed to add IP addr ${ip.address} to "${ifname}": ${err.message}`, { cause: err });
    });
    const f = addr.ip.family;
    if (ip.gateway !== undefined && gw[f] === undefined) gw[f] = ip.gateway;
  }
  await nl.setUp(index).catch((err: Error) => {
    throw new Error(`failed to set "${ifname}" UP: ${err.message}`, { cause: err });
  });
  if (gw[6] !== undefined) {
    await nl.settleAddresses(ifname, DAD_SETTLE_MS).catch((err: Error) => {
      throw new Error(`failed to settle addresses for "${ifname}": ${err.message}`, { cause: err });
    });
  }
  for (const r of result.routes ?? []) {
    const f = parseIPWithPrefix(r.dst)?.ip.family ?? 4;
    const via = r.gw ?? gw[f];
    try {
      // NLM_F_CREATE without EXCL, as the reference (ECMP-friendly). mtu and advmss are not
      // applied, as in the reference.
      await nl.addRoute({
        dst: r.dst,
        oif: index,
        ...(via !== undefined && { gw: via }),
        ...(r.priority !== undefined && { priority: r.priority }),
        ...(r.table !== undefined && { table: r.table }),
        ...(r.scope !== undefined && { scope: r.scope }),
      });
    } catch (err) {
      // An identical IPv4 route answers EEXIST even without EXCL: it is there, which is the goal.
      if (hasCode(err, 'EEXIST')) continue;
      throw new Error(`failed to add route '${r.dst} via ${via ?? '<nil>'} dev ${ifname}': ${(err as Error).message}`, { cause: err });
    }
  }
}
