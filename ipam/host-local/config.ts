// Loading the host-local configuration as the reference's LoadIPAMConfig does: the same keys,
// defaults, order of checks and messages. Every failure the config causes is code 7.
import { parseCniArgs } from '../../lib/cni/args.ts';
import { invalidConfig } from '../../lib/cni/errors.ts';
import type { Route } from '../../lib/cni/result.ts';
import { decodeConfig, type ConfigSpec } from '../../lib/config/decode.ts';
import { validate } from './schema.generated.ts';
import type { AttachmentRef } from '../../lib/cni/attachment.ts';
import { compareIP, formatIP, formatIPWithPrefix, parseIP, parseIPWithPrefix, type IPAddr } from '../../lib/ip/index.ts';
import { atLeast } from '../../lib/cni/version.ts';
import { goField } from '../../lib/cni/go.ts';
import type { RangeInput, SubnetInput } from './range.ts';
import { canonicalizeRangeSet, rangeSetFamily, rangeSetsOverlap, type RangeSet } from './rangeset.ts';
import { hostLocalSchema, type HostLocalWire, type RangeWire, type RouteWire } from './schema.ts';

export const DEFAULT_DATA_DIR = '/var/lib/cni/networks';

export interface HostLocalConfig {
  readonly cniVersion: string;
  /** The network name: the store's subdirectory. */
  readonly name: string;
  readonly dataDir: string;
  readonly resolvConf: string;
  readonly routes: readonly Route[];
  /** runtimeConfig.ipRanges first, then the legacy single range, then ipam.ranges. */
  readonly rangeSets: readonly RangeSet[];
  /** CNI_ARGS IP, args.cni.ips and runtimeConfig.ips, deduplicated and sorted. */
  readonly requestedIPs: readonly IPAddr[];
  /**
   * GC only: the attachments to keep. libcni always sends the key, as null when no attachment is
   * valid; undefined means the key is absent, so nothing is known to be stale.
   */
  readonly validAttachments: readonly AttachmentRef[] | undefined;
}

const spec: ConfigSpec<HostLocalWire> = { schema: hostLocalSchema, validate };

// Present even as null (which decoding drops), either key says which attachments are valid: none.
const ATTACHMENT_KEYS = ['cni.dev/valid-attachments', 'cni.dev/attachments'];

// The three ways Go decodes an address here, each with its own message.

/** net.IP: an empty string means unset. */
function netIP(text: string | undefined): IPAddr | undefined {
  if (text === undefined || text === '') return undefined;
  const ip = parseIP(text);
  if (!ip) throw invalidConfig(`invalid IP address: ${text}`);
  return ip;
}

/** types.IPNet: ParseCIDR, keeping the host bits. */
function ipNet(text: string): SubnetInput {
  const a = parseIPWithPrefix(text);
  if (!a) throw invalidConfig(`invalid CIDR address: ${text}`);
  return { ...a, v6Syntax: text.slice(0, text.indexOf('/')).includes(':') };
}

/** The plugins' ip.IP: "addr" or "addr/len" (the length is ignored); empty is a nil address. */
function cniIP(text: string): IPAddr | undefined {
  if (text === '') return undefined;
  const ip = text.includes('/') ? parseIPWithPrefix(text)?.ip : parseIP(text);
  if (!ip) throw new Error(`invalid IP address ${text}`);
  return ip;
}

function requestedFrom(list: readonly string[] | undefined): (IPAddr | undefined)[] {
  return (list ?? []).map((text) => {
    try {
      return cniIP(text);
    } catch (err) {
      throw invalidConfig((err as Error).message);
    }
  });
}

const rangeInput = (w: RangeWire): RangeInput => ({
  ...(w.subnet !== undefined && { subnet: ipNet(w.subnet) }),
  ...(w.rangeStart !== undefined && { rangeStart: netIP(w.rangeStart) }),
  ...(w.rangeEnd !== undefined && { rangeEnd: netIP(w.rangeEnd) }),
  ...(w.gateway !== undefined && { gateway: netIP(w.gateway) }),
});

const rangeSetsInput = (sets: readonly (readonly RangeWire[])[] | undefined): RangeInput[][] => (sets ?? []).map((s) => s.map(rangeInput));

function route(w: RouteWire): Route {
  if (w.dst === undefined) throw invalidConfig('invalid route: "dst" is required');
  const gw = netIP(w.gw);
  // mtu, advmss and priority are plain ints in Go (0 = unset); table and scope are pointers.
  return {
    dst: formatIPWithPrefix(ipNet(w.dst)),
    ...(gw && { gw: formatIP(gw) }),
    ...(w.mtu && { mtu: w.mtu }),
    ...(w.advmss && { advmss: w.advmss }),
    ...(w.priority && { priority: w.priority }),
    ...(w.table !== undefined && { table: w.table }),
    ...(w.scope !== undefined && { scope: w.scope }),
  };
}

function envRequestedIP(envArgs: string): IPAddr | undefined {
  const parsed = parseCniArgs(envArgs, { IP: cniIP });
  return parsed.IP as IPAddr | undefined;
}

function atLeast030(version: string): boolean {
  try {
    return atLeast(version, '0.3.0');
  } catch {
    return false;
  }
}

/** Decodes and validates stdin (parsed JSON) and CNI_ARGS into the canonical configuration. */
export function loadConfig(raw: unknown, envArgs: string): HostLocalConfig {
  const wire = decodeConfig(raw, spec, 'host-local config');
  // Everything Go would fail on while unmarshalling comes first: addresses that do not parse.
  const ipam = wire.ipam;
  const legacy = ipam ? rangeInput(ipam) : undefined;
  const configured = rangeSetsInput(ipam?.ranges);
  const runtimeRanges = rangeSetsInput(wire.runtimeConfig?.ipRanges);
  const routes = (ipam?.routes ?? []).map(route);
  const argIPs = requestedFrom(wire.args?.cni?.ips);
  const runtimeIPs = requestedFrom(wire.runtimeConfig?.ips);
  if (!ipam) throw invalidConfig("IPAM config missing 'ipam' key");

  const envIP = envArgs === '' ? undefined : envRequestedIP(envArgs);
  const requested = [...(envIP ? [envIP] : []), ...argIPs, ...runtimeIPs];
  if (requested.some((ip) => ip === undefined)) throw invalidConfig('cannot understand ip: IP <nil> not v4 nor v6');

  const inputs = [...runtimeRanges, ...(legacy?.subnet ? [[legacy]] : []), ...configured];
  if (inputs.length === 0) throw invalidConfig('no IP ranges specified');
  const rangeSets = inputs.map((set, i) => {
    try {
      return canonicalizeRangeSet(set);
    } catch (err) {
      throw invalidConfig(`invalid range set ${i}: ${(err as Error).message}`);
    }
  });
  const v4 = rangeSets.filter((s) => rangeSetFamily(s) === 4).length;
  if ((v4 > 1 || rangeSets.length - v4 > 1) && !atLeast030(wire.cniVersion)) {
    throw invalidConfig(`CNI version ${wire.cniVersion} does not support more than 1 address per family`);
  }
  for (let i = 0; i < rangeSets.length - 1; i++) {
    for (let j = i + 1; j < rangeSets.length; j++) {
      if (rangeSetsOverlap(rangeSets[i]!, rangeSets[j]!)) throw invalidConfig(`range set ${i} overlaps with ${j}`);
    }
  }

  // The reference keys requested IPs by their text, so duplicates collapse; we also sort them so
  // that which set takes which address never depends on map order.
  const unique = new Map((requested as IPAddr[]).map((ip) => [formatIP(ip), ip]));
  return {
    cniVersion: wire.cniVersion,
    name: wire.name,
    dataDir: ipam.dataDir || DEFAULT_DATA_DIR,
    resolvConf: ipam.resolvConf ?? '',
    routes,
    rangeSets,
    requestedIPs: [...unique.values()].sort(compareIP),
    validAttachments: wire['cni.dev/valid-attachments'] ?? wire['cni.dev/attachments'] ?? (ATTACHMENT_KEYS.some((k) => goField(raw, k) !== undefined) ? [] : undefined),
  };
}
