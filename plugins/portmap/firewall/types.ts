// What a port-forwarding plan is made from: who asked (the attachment), what to forward (the
// mappings), to where (one container address of one family), and how (the network's options).
// Plain data, so that the planners stay pure functions of it.

import type { Attachment } from '../../../lib/cni/attachment.ts';
import type { Family } from '../../../lib/ip/index.ts';

export type Protocol = 'tcp' | 'udp' | 'sctp';

export const FAMILIES: readonly Family[] = [4, 6];

export interface HostIP {
  /** Go's canonical text of the address. */
  readonly text: string;
  readonly family: Family;
  /** 0.0.0.0 or ::, which mean "every address". */
  readonly unspecified: boolean;
}

export interface PortMapping {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly hostIP?: HostIP;
}

export interface ContainerIP {
  readonly family: Family;
  /** The address alone, canonical: "10.0.0.2", "2001:db8::2". */
  readonly address: string;
  /** As the previous result gave it, host bits kept: "10.0.0.2/24". */
  readonly cidr: string;
}

export interface PortmapOptions {
  readonly snat: boolean;
  readonly masqAll: boolean;
  readonly markMasqBit: number;
  /** iptables only: jump here instead of CNI-HOSTPORT-SETMARK, and create no mark chains. */
  readonly externalSetMarkChain?: string;
  readonly conditionsV4?: readonly string[];
  readonly conditionsV6?: readonly string[];
}

/** Everything one ADD or CHECK of one container address needs. */
export interface ForwardSpec {
  readonly attachment: Attachment;
  readonly options: PortmapOptions;
  readonly mappings: readonly PortMapping[];
  readonly ip: ContainerIP;
}

/**
 * Everything one DEL knows: the container's addresses only when the previous result gave them,
 * so in a family without one only what the mappings imply can be named.
 */
export interface Teardown extends Omit<ForwardSpec, 'ip'> {
  /** The previous result's families, or both without one. */
  readonly families: readonly Family[];
  readonly ips: readonly ContainerIP[];
}

/** The mappings that apply to a container address of `family`: a hostIP of the other family is skipped. */
export const mappingsFor = (mappings: readonly PortMapping[], family: Family): PortMapping[] =>
  mappings.filter((m) => m.hostIP === undefined || m.hostIP.family === family);

/** The destination a mapping matches on, if any: an unspecified hostIP means every address. */
export const destinationOf = (m: PortMapping): string | undefined =>
  m.hostIP !== undefined && !m.hostIP.unspecified ? m.hostIP.text : undefined;

export const conditionsFor = (o: PortmapOptions, family: Family): readonly string[] =>
  (family === 6 ? o.conditionsV6 : o.conditionsV4) ?? [];

/** "10.0.0.2:80" or "[2001:db8::2]:80", as iptables and nft both take it. */
export const hostPortText = (ip: ContainerIP, port: number): string =>
  ip.family === 6 ? `[${ip.address}]:${port}` : `${ip.address}:${port}`;
