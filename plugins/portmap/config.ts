// Loading the portmap configuration as the reference's parseConfig does (same keys, defaults,
// order of checks and messages), plus what it lacks: ports above 65535 and unknown protocols
// are refused, the protocol is lower-cased, a hostIP must be an address. The backend is not
// probed here: that waits until a verb has mappings to apply (backend.ts).
import { invalidConfig } from '../../lib/cni/errors.ts';
import { parsePrevResult } from '../../lib/cni/convert.ts';
import type { Result } from '../../lib/cni/result.ts';
import { decodeConfig, type ConfigSpec } from '../../lib/config/decode.ts';
import { validate } from './schema.generated.ts';
import type { Attachment } from '../../lib/cni/attachment.ts';
import type { Backend } from '../../lib/firewall/backend.ts';
import { validAttachments } from '../../lib/config/schemas/netconf.ts';
import { formatIP, parseIP, parseIPWithPrefix, type Family } from '../../lib/ip/index.ts';
import type { ContainerIP, HostIP, PortMapping, PortmapOptions, Protocol } from './firewall/types.ts';
import { portmapSchema, type PortMapEntryWire, type PortmapWire } from './schema.ts';


export const DEFAULT_MARK_BIT = 13;

export interface PortmapConfig {
  readonly cniVersion: string;
  readonly name: string;
  readonly mappings: readonly PortMapping[];
  readonly options: PortmapOptions;
  /** As configured; undefined means "the host's default", decided only when needed. */
  readonly backend?: Backend;
  /** Options that only one backend understands, by backend, in the reference's order. */
  readonly backendOptions: Readonly<Record<Backend, readonly string[]>>;
  readonly prevResult?: Result;
  /** The first v4 and the first v6 address of the previous result that belong to CNI_IFNAME. */
  readonly containerIPs: readonly ContainerIP[];
  readonly validAttachments: readonly Attachment[];
}

const spec: ConfigSpec<PortmapWire> = { schema: portmapSchema, validate };
const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];

/** iptables conditions start with '-' or '!', anything else is nft syntax; empty is neither. */
export function conditionsBackend(conditions: readonly string[] | undefined): Backend | undefined {
  const first = conditions?.[0];
  if (first === undefined || first === '') return undefined;
  return first[0] === '-' || first[0] === '!' ? 'iptables' : 'nftables';
}

function backendOptions(w: PortmapWire): Record<Backend, string[]> {
  const out: Record<Backend, string[]> = { iptables: [], nftables: [] };
  if (w.externalSetMarkChain !== undefined) out.iptables.push('externalSetMarkChain');
  const v4 = conditionsBackend(w.conditionsV4);
  if (v4) out[v4].push('conditionsV4');
  const v6 = conditionsBackend(w.conditionsV6);
  if (v6) out[v6].push('conditionsV6');
  return out;
}

/** The reference's error for options of the backend that was not chosen, and for an unknown one. */
export function checkBackend(backend: string, options: Readonly<Record<Backend, readonly string[]>>): Backend {
  const wrong: Backend = backend === 'iptables' ? 'nftables' : 'iptables';
  if (options[wrong].length > 0) {
    throw invalidConfig(`${backend} backend was requested but configuration contains ${wrong}-specific options [${options[wrong].join(' ')}]`);
  }
  if (backend !== 'iptables' && backend !== 'nftables') throw invalidConfig(`unrecognized backend ${JSON.stringify(backend)}`);
  return backend;
}

function hostIP(text: string | undefined): HostIP | undefined {
  if (text === undefined || text === '') return undefined;
  const ip = parseIP(text);
  if (ip === undefined) throw invalidConfig(`Invalid host IP: ${text}`);
  return { text: formatIP(ip), family: ip.family, unspecified: ip.value === 0n };
}

function mapping(e: PortMapEntryWire): PortMapping {
  if (e.containerPort <= 0 || e.containerPort > 65535) throw invalidConfig(`Invalid container port number: ${e.containerPort}`);
  if (e.hostPort <= 0 || e.hostPort > 65535) throw invalidConfig(`Invalid host port number: ${e.hostPort}`);
  // Kubernetes' own default for a port without protocol is TCP.
  const protocol = (e.protocol === '' ? 'tcp' : e.protocol.toLowerCase()) as Protocol;
  if (!PROTOCOLS.includes(protocol)) throw invalidConfig(`Invalid protocol: ${JSON.stringify(e.protocol)} (must be tcp, udp or sctp)`);
  const h = hostIP(e.hostIP);
  return { hostPort: e.hostPort, containerPort: e.containerPort, protocol, ...(h && { hostIP: h }) };
}

/** The reference's choice: first address of each family, skipping addresses of another interface or of the host side. */
export function containerIPs(prev: Result | undefined, ifname: string): ContainerIP[] {
  const found = new Map<Family, ContainerIP>();
  for (const ip of prev?.ips ?? []) {
    const a = parseIPWithPrefix(ip.address);
    if (a === undefined || found.has(a.ip.family)) continue;
    const i = ip.interface;
    const ifc = i !== undefined && i >= 0 ? prev?.interfaces?.[i] : undefined;
    if (ifc !== undefined && (ifc.name !== ifname || !ifc.sandbox)) continue;
    found.set(a.ip.family, { family: a.ip.family, address: formatIP(a.ip), cidr: `${formatIP(a.ip)}/${a.prefixLen}` });
  }
  return ([4, 6] as const).flatMap((f) => found.get(f) ?? []);
}

export function loadConfig(raw: unknown, ifname: string): PortmapConfig {
  const w = decodeConfig(raw, spec, 'portmap config');
  const prevResult = w.prevResult === undefined ? undefined : parsePrevResult(w.prevResult, w.cniVersion);
  if (w.markMasqBit !== undefined && w.externalSetMarkChain !== undefined) throw invalidConfig('Cannot specify externalSetMarkChain and markMasqBit');
  const markMasqBit = w.markMasqBit ?? DEFAULT_MARK_BIT;
  if (markMasqBit < 0 || markMasqBit > 31) throw invalidConfig('MasqMarkBit must be between 0 and 31');
  const options = backendOptions(w);
  const backend = w.backend === undefined ? undefined : checkBackend(w.backend, options);
  const mappings = (w.runtimeConfig?.portMappings ?? []).map(mapping);
  return {
    cniVersion: w.cniVersion,
    name: w.name,
    mappings,
    options: {
      snat: w.snat ?? true,
      masqAll: w.masqAll ?? false,
      markMasqBit,
      ...(w.externalSetMarkChain !== undefined && { externalSetMarkChain: w.externalSetMarkChain }),
      ...(w.conditionsV4 !== undefined && { conditionsV4: w.conditionsV4 }),
      ...(w.conditionsV6 !== undefined && { conditionsV6: w.conditionsV6 }),
    },
    ...(backend !== undefined && { backend }),
    backendOptions: options,
    ...(prevResult !== undefined && { prevResult }),
    containerIPs: containerIPs(prevResult, ifname),
    validAttachments: validAttachments(w),
  };
}
