// The current (1.1.0) result shape: the only one used inside the suite. Older wire shapes
// exist only at the edge (convert.ts), so no plugin ever branches on a spec version.
//
// Field meanings follow SPEC.md; a field that the Go types print only when set (`omitempty`)
// is optional here, and a zero value ('' or 0 where Go has a plain int) counts as unset.

export interface Interface {
  name: string;
  mac?: string;
  mtu?: number;
  sandbox?: string;
  socketPath?: string;
  pciID?: string;
}

export interface IPConfig {
  /** Index into `Result.interfaces`; 0 is a real index, unset means "no interface". */
  interface?: number;
  /** "addr/prefix" with the host part kept, as Go's types.IPNet prints it: "10.1.2.2/24". */
  address: string;
  gateway?: string;
}

export interface Route {
  dst: string;
  gw?: string;
  mtu?: number;
  advmss?: number;
  priority?: number;
  /** Pointers in Go: 0 is a real table / scope and is printed, unset is not. */
  table?: number;
  scope?: number;
}

export interface DNS {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export interface Result {
  cniVersion: string;
  interfaces?: Interface[];
  ips?: IPConfig[];
  routes?: Route[];
  dns?: DNS;
}

/** Go's types.DNS.IsEmpty: 1.x results leave out a `dns` for which this holds. */
export const isDNSEmpty = (d: DNS | undefined): boolean =>
  !d || (!d.nameservers?.length && !d.domain && !d.search?.length && !d.options?.length);
