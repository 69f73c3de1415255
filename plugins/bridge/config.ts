// Loading the bridge configuration as the reference's loadNetConf does (same keys, defaults and
// messages), then the checks the reference makes later in cmdAdd, made here so that a bad config
// fails before anything is created. Pure: no kernel, no firewall.
import { parseCniArgs } from '../../lib/cni/args.ts';
import type { Command } from '../../lib/cni/env.ts';
import { invalidConfig } from '../../lib/cni/errors.ts';
import { noIPsFor } from '../../lib/cni/convert.ts';
import type { DNS } from '../../lib/cni/result.ts';
import { atLeast } from '../../lib/cni/version.ts';
import { decodeConfig, type ConfigSpec } from '../../lib/config/decode.ts';
import { validate } from './schema.generated.ts';
import type { Attachment } from '../../lib/cni/attachment.ts';
import type { Backend } from '../../lib/firewall/backend.ts';
import { validAttachments } from '../../lib/config/schemas/netconf.ts';
import { parseMAC } from '../../lib/ip/index.ts';
import { ifnameProblem } from '../../lib/net/ifname.ts';
import { bridgeSchema, type BridgeWire, type VlanTrunkWire } from './schema.ts';

export const DEFAULT_BRIDGE = 'cni0';


export interface BridgeConfig {
  readonly cniVersion: string;
  readonly name: string;
  readonly bridge: string;
  /** True also when only isDefaultGateway was set: it implies a gateway. */
  readonly isGateway: boolean;
  readonly isDefaultGateway: boolean;
  readonly forceAddress: boolean;
  readonly ipMasq: boolean;
  /** Unset: chosen at ADD time as the reference does (iptables unless only nftables works). */
  readonly ipMasqBackend?: Backend;
  /** 0: the kernel's default. */
  readonly mtu: number;
  readonly hairpinMode: boolean;
  readonly promiscMode: boolean;
  /** 0: no access VLAN. */
  readonly vlan: number;
  /** Trunk VIDs, sorted and unique. */
  readonly vlans: readonly number[];
  /** A vlan or any vlanTrunk list (even an empty one) turns filtering on at bridge creation. */
  readonly vlanFiltering: boolean;
  readonly preserveDefaultVlan: boolean;
  readonly macspoofchk: boolean;
  readonly enabledad: boolean;
  readonly disableContainerInterface: boolean;
  readonly portIsolation: boolean;
  /** '' means L2 only: no IPAM, no addresses. */
  readonly ipamType: string;
  /** Set only when the config has a DNS field: it then replaces IPAM's DNS in the result. */
  readonly dns?: DNS;
  /** The container MAC, lowercase: runtimeConfig.mac > args.cni.mac > CNI_ARGS MAC. */
  readonly mac?: string;
  readonly prevResult?: Record<string, unknown>;
  readonly validAttachments: readonly Attachment[];
}

const spec: ConfigSpec<BridgeWire> = { schema: bridgeSchema, validate };

const validVid = (v: number): boolean => v > 0 && v <= 4094;

/** The reference's collectVlanTrunk: every ID 1-4094, ranges need both ends; sorted, unique. */
export function collectVlanTrunk(trunk: readonly VlanTrunkWire[] | undefined): number[] {
  const vids = new Set<number>();
  for (const item of trunk ?? []) {
    const { minID, maxID, id } = item;
    if (minID !== undefined && maxID !== undefined) {
      if (!validVid(minID)) throw invalidConfig('incorrect trunk minID parameter');
      if (!validVid(maxID)) throw invalidConfig('incorrect trunk maxID parameter');
      if (maxID < minID) throw invalidConfig('minID is greater than maxID in trunk parameter');
      for (let v = minID; v <= maxID; v++) vids.add(v);
    } else if (maxID !== undefined) {
      throw invalidConfig('minID and maxID should be configured simultaneously, minID is missing');
    } else if (minID !== undefined) {
      throw invalidConfig('minID and maxID should be configured simultaneously, maxID is missing');
    }
    if (id !== undefined) {
      if (!validVid(id)) throw invalidConfig('incorrect trunk id parameter');
      vids.add(id);
    }
  }
  return [...vids].sort((a, b) => a - b);
}

/** Go's dnsConfSet: any field present, even an empty list. */
function configDNS(wire: BridgeWire): DNS | undefined {
  const d = wire.dns;
  if (!d || (d.nameservers === undefined && d.search === undefined && d.options === undefined && !d.domain)) return undefined;
  return {
    ...(d.nameservers !== undefined && { nameservers: [...d.nameservers] }),
    ...(d.domain && { domain: d.domain }),
    ...(d.search !== undefined && { search: [...d.search] }),
    ...(d.options !== undefined && { options: [...d.options] }),
  };
}

function pickMac(wire: BridgeWire, envArgs: string): string | undefined {
  // CNI_ARGS is parsed (and its errors reported) whatever the other sources say, as the reference does.
  const fromEnv = envArgs === '' ? undefined : (parseCniArgs(envArgs, { MAC: (v) => v }).MAC as string | undefined);
  return wire.runtimeConfig?.mac || wire.args?.cni?.mac || fromEnv || undefined;
}

/**
 * Decodes stdin (parsed JSON) and CNI_ARGS. `command` decides which of the reference's ADD-time
 * checks apply: ADD (and CHECK, STATUS) refuse what ADD would refuse; DEL and GC accept any config
 * that decodes, so that cleanup is never blocked by an option ADD would have rejected.
 */
export function parseBridgeConf(raw: unknown, envArgs: string, command: Command): BridgeConfig {
  const wire = decodeConfig(raw, spec, 'bridge config');
  const vlan = wire.vlan ?? 0;
  if (vlan < 0 || vlan > 4094) throw invalidConfig(`invalid VLAN ID ${vlan} (must be between 0 and 4094)`);
  const vlans = collectVlanTrunk(wire.vlanTrunk);
  const mac = pickMac(wire, envArgs);
  const dns = configDNS(wire);
  const backend = wire.ipMasqBackend;
  const knownBackend = backend === 'iptables' || backend === 'nftables';
  if (backend !== undefined && !knownBackend && command !== 'DEL' && command !== 'GC') {
    throw invalidConfig(`unknown ipmasq backend ${JSON.stringify(backend)}`);
  }
  const conf: BridgeConfig = {
    cniVersion: wire.cniVersion,
    name: wire.name,
    bridge: wire.bridge ?? DEFAULT_BRIDGE,
    isGateway: (wire.isGateway ?? false) || (wire.isDefaultGateway ?? false),
    isDefaultGateway: wire.isDefaultGateway ?? false,
    forceAddress: wire.forceAddress ?? false,
    ipMasq: wire.ipMasq ?? false,
    ...(knownBackend && { ipMasqBackend: backend }),
    mtu: wire.mtu ?? 0,
    hairpinMode: wire.hairpinMode ?? false,
    promiscMode: wire.promiscMode ?? false,
    vlan,
    vlans,
    vlanFiltering: vlan !== 0 || wire.vlanTrunk !== undefined,
    preserveDefaultVlan: wire.preserveDefaultVlan ?? false,
    macspoofchk: wire.macspoofchk ?? false,
    enabledad: wire.enabledad ?? false,
    disableContainerInterface: wire.disableContainerInterface ?? false,
    portIsolation: wire.portIsolation ?? false,
    ipamType: wire.ipam?.type ?? '',
    ...(dns && { dns }),
    ...(mac && { mac }),
    ...(wire.prevResult && { prevResult: wire.prevResult }),
    validAttachments: validAttachments(wire),
  };
  if (command === 'ADD') checkForAdd(conf);
  return conf;
}

/** What the reference refuses in cmdAdd (some of it only after creating the bridge). */
function checkForAdd(c: BridgeConfig): void {
  // The kernel would refuse the name only after the bridge lookup; "" it would even replace with
  // bridge0, which the reference then leaks.
  const badName = ifnameProblem(c.bridge);
  if (badName) throw invalidConfig(`bridge: ${badName.message} ${JSON.stringify(c.bridge)}`, badName.details);
  if (c.ipamType !== '' && c.disableContainerInterface) throw invalidConfig('cannot use IPAM when DisableContainerInterface flag is set');
  if (c.hairpinMode && c.promiscMode) throw invalidConfig('cannot set hairpin mode and promiscuous mode at the same time');
  if (c.mac !== undefined) {
    const mac = parseMAC(c.mac);
    // A veth takes a 6-byte Ethernet address; Go's ParseMAC also reads 8- and 20-byte forms, which
    // the kernel would refuse after the bridge was made.
    if (mac === undefined || mac.length !== 17) throw invalidConfig(`invalid MAC address ${JSON.stringify(c.mac)}`);
  }
  // A 0.1.0/0.2.0 result cannot carry an L2 attachment: the reference fails while printing, after
  // creating the veth; we refuse first, so nothing is left behind.
  if (c.ipamType === '' && !atLeast(c.cniVersion || '0.1.0', '0.3.0')) throw noIPsFor(c.cniVersion || '0.1.0');
}

/** The canonical (lowercase colon) form of the configured MAC, if any. */
export const containerMac = (c: BridgeConfig): string | undefined => (c.mac === undefined ? undefined : parseMAC(c.mac));
