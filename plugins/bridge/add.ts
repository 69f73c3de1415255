// ADD, step by step as the reference's cmdAdd, with an undo stack: a failure after any step
// deletes the veth, releases the IPAM reservation (also when IPAM ADD itself failed, reference
// #29), removes the firewall state made so far, and takes back what this ADD changed on the
// host: the bridge if it made it (and no port joined meanwhile), the gateway addresses it added,
// the sysctls it wrote. The reference leaves all of these behind.
import { attachmentOf } from '../../lib/cni/attachment.ts';
import { invalidConfig } from '../../lib/cni/errors.ts';
import { COMMENT_MAX_BYTES } from '../../lib/firewall/iptables-text.ts';
import { chainComment } from '../../lib/firewall/names.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import type { Interface, Result } from '../../lib/cni/result.ts';
import { CURRENT_VERSION } from '../../lib/cni/version.ts';
import type { Family } from '../../lib/ip/index.ts';
import type { Link, Netlink } from '../../lib/net/index.ts';
import { onEveryBackend, withChosen } from '../../lib/firewall/backend.ts';
import { ensureBridge, requireBridge } from './bridge.ts';
import { containerMac, type BridgeConfig } from './config.ts';
import { configureContainer } from './container.ts';
import type { Deps } from './deps.ts';
import { masqAddresses } from './firewall.ts';
import { calcGateways, ensureAddr, unreachableRoute, type Gateways } from './gateway.ts';
import { UndoStack } from '../../lib/cni/undo.ts';
import { attachPort, createPair, setupVeth } from './veth.ts';

// The reference polls after 0, 50, 500, 1000 and 1000 ms (2.55 s). The port is nearly always up
// within a few milliseconds, so we poll densely first and wait a little longer in total.
const PORT_WAITS_MS = [0, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 1000];

async function waitPortUp(deps: Deps, nl: Netlink, name: string): Promise<Link> {
  let link: Link | undefined;
  for (const ms of PORT_WAITS_MS) {
    if (ms > 0) await deps.sleep(ms);
    link = await nl.getLink(name);
    if (link.operState === 'up') return link;
  }
  throw new Error(`bridge port in error state: ${link?.operState ?? 'unknown'}`);
}

const FORWARDING = { 4: 'net/ipv4/ip_forward', 6: 'net/ipv6/conf/all/forwarding' } as const;

/** Written only when not already on; turned off again only by a failed ADD that turned it on. */
function enableForwarding(deps: Deps, family: Family, undo: UndoStack): void {
  const key = FORWARDING[family];
  try {
    const before = deps.sysctl.read(key);
    if (before === '1') return;
    deps.sysctl.write(key, '1');
    undo.push(key, () => deps.sysctl.write(key, before));
  } catch (err) {
    throw new Error(`failed to enable forwarding: ${(err as Error).message}`, { cause: err });
  }
}

/** The `<bridge>.<vlan>` gateway link: a host-side veth whose peer is an access port of the VLAN. */
async function ensureVlanInterface(deps: Deps, nl: Netlink, br: Link, conf: BridgeConfig, undo: UndoStack): Promise<Link> {
  const name = `${br.name}.${conf.vlan}`;
  const existing = await nl.findLink(name);
  if (existing) return existing;
  try {
    const peer = await createPair(deps, nl, nl, name, br.mtu);
    undo.push(`vlan interface ${name}`, () => nl.deleteLink(name));
    await attachPort(deps, nl, peer, { bridge: br, hairpin: false, isolated: false, vlans: { vlan: conf.vlan, vlans: [], preserveDefaultVlan: conf.preserveDefaultVlan } });
    await nl.setUp(name);
    return await nl.getLink(name);
  } catch (err) {
    throw new Error(`failed to create vlan interface: faild to create vlan gateway "${name}": ${(err as Error).message}`, { cause: err });
  }
}

async function setupGateways(deps: Deps, nl: Netlink, br: Link, conf: BridgeConfig, gateways: Gateways, interfaces: Interface[], undo: UndoStack): Promise<void> {
  let vlanLink: Link | undefined;
  for (const family of [4, 6] as const) {
    for (const gw of gateways[family]) {
      if (conf.vlan !== 0) {
        if (vlanLink === undefined) {
          vlanLink = await ensureVlanInterface(deps, nl, br, conf, undo);
          interfaces.push({ name: vlanLink.name, mac: vlanLink.mac });
        }
        await ensureAddr(nl, vlanLink, family, gw, conf.forceAddress, undo).catch((err: Error) => {
          throw new Error(`failed to set vlan interface for bridge with addr: ${err.message}`, { cause: err });
        });
      } else {
        await ensureAddr(nl, br, family, gw, conf.forceAddress, undo).catch((err: Error) => {
          throw new Error(`failed to set bridge addr: ${err.message}`, { cause: err });
        });
      }
    }
    if (gateways[family].length > 0) enableForwarding(deps, family, undo);
  }
}

/** iptables keeps only so many bytes of a comment: the ipMasq rules' comment names the network
 *  and the container, so an ADD with longer ones would fail only once IPAM had run. Refused on
 *  either backend: the same config must not work or fail by the host's firewall. */
function checkMasqComment(req: Request<BridgeConfig>): void {
  const conf = req.config;
  if (!conf.ipMasq || conf.ipamType === '') return;
  const bytes = Buffer.byteLength(chainComment(conf.name, req.containerID));
  if (bytes > COMMENT_MAX_BYTES) {
    throw invalidConfig(`network name and container ID too long for the ipMasq rules' iptables comment: ${bytes} bytes, at most ${COMMENT_MAX_BYTES}`);
  }
}

export async function add(req: Request<BridgeConfig>, deps: Deps): Promise<Result> {
  const conf = req.config;
  checkMasqComment(req);
  const attachment = attachmentOf(conf.name, req);
  const undo = new UndoStack();
  const host = await deps.openNetlink();
  let container: Netlink | undefined;
  let masq: Promise<void> | undefined;
  try {
    const step = req.obs.step('bridge');
    const bridge = await ensureBridge(deps, host, conf, undo);
    step();
    container = await deps.openNetlink(req.netns);
    const vethStep = req.obs.step('veth');
    const mac = containerMac(conf);
    const pair = await setupVeth(
      deps,
      host,
      container,
      {
        ifname: req.ifname,
        mtu: conf.mtu,
        ...(mac && { mac }),
        bridge,
        hairpin: conf.hairpinMode,
        isolated: conf.portIsolation,
        vlans: conf,
      },
      undo,
      () => ensureBridge(deps, host, conf, undo),
    );
    vethStep();
    const br = pair.bridge;
    const interfaces: Interface[] = [
      { name: br.name, mac: br.mac },
      { name: pair.host.name, mac: pair.host.mac },
      { name: req.ifname, mac: pair.container.mac, sandbox: req.netns },
    ];
    const result: Result = { cniVersion: CURRENT_VERSION, interfaces };

    if (conf.macspoofchk) {
      const spoof = await deps.spoofCheck();
      undo.push('spoof check', () => spoof.teardown(attachment));
      await spoof.setup(attachment, pair.host.name, pair.container.mac);
    }

    if (conf.ipamType !== '') {
      // Registered before the call: an IPAM ADD that fails half-way is released too (spec §4).
      undo.push('IPAM reservation', async () => void (await deps.delegate(req, conf.ipamType, 'DEL')));
      const ipamStep = req.obs.step('ipam');
      const ipam = (await deps.delegate(req, conf.ipamType, 'ADD'))!;
      ipamStep();
      if (!ipam.ips?.length) throw new Error('IPAM plugin returned missing IP config');
      const { ips, routes, gateways } = calcGateways(ipam, conf);
      const stuck = unreachableRoute(ips, routes);
      if (stuck) {
        const subnets = ips.map((ip) => ip.address).join(', ');
        throw invalidConfig(`route ${stuck.route.dst} via ${stuck.via} cannot be added: the gateway is on none of the container's subnets (${subnets}); check the ipam config's gateway and routes`);
      }
      result.ips = ips;
      if (routes.length > 0) result.routes = routes;
      if (ipam.dns) result.dns = ipam.dns;
      if (conf.ipMasq) {
        const addrs = masqAddresses(ips);
        undo.push('ipMasq rules', async () => {
          await masq?.catch(() => {}); // removed only once it is no longer being written
          await onEveryBackend(deps.masq, (m) => m.teardown(attachment, addrs));
        });
        // The rules need only the addresses: their tool process (about 2 ms) runs while the
        // container, the gateways and the port are set up. Its outcome is read at the end.
        masq = withChosen(deps.masq, conf.ipMasqBackend, (m) => m.setup(attachment, addrs));
        masq.catch(() => {});
      }
      const ctr = { netns: req.netns, ifname: req.ifname, index: pair.container.index, enabledad: conf.enabledad };
      const ctrStep = req.obs.step('container');
      await configureContainer(deps, container, ctr, result);
      ctrStep();
      if (conf.isGateway) await setupGateways(deps, host, br, conf, gateways, interfaces, undo);
    } else if (!conf.disableContainerInterface) {
      await container.setUp(req.ifname).catch((err: Error) => {
        throw new Error(`failed to set "${req.ifname}" up: ${err.message}`, { cause: err });
      });
    }

    const hostLink = conf.disableContainerInterface ? await host.getLink(pair.host.index) : await waitPortUp(deps, host, pair.host.name);
    interfaces[1]!.mac = hostLink.mac;
    interfaces[0]!.mac = requireBridge(await host.findLink(br.index), conf.bridge).mac;
    const masqStep = req.obs.step('masquerade');
    await masq;
    masqStep();
    if (conf.dns) result.dns = conf.dns;
    req.obs.did({
      links: [pair.host.name, `${req.ifname}@${req.netns}`],
      ...(result.ips && { addresses: result.ips.map((ip) => ip.address) }),
      ...(masq && { masquerade: conf.name }),
    });
    return result;
  } catch (err) {
    return await undo.rollback([err]);
  } finally {
    container?.close();
    host.close();
  }
}
