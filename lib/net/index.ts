// The network layer the plugins use: namespaces, the rtnetlink socket and sysctl.
export { hostNetnsFd, openNetns, withNetns } from './netns.ts';
export type { Netlink } from './netlink.ts';
export { openNetlink } from './netlink.ts';
export type { BridgeOptions, BridgePortFlags, Link, LinkChange, LinkRef, OperState, VethOptions } from './links.ts';
export { checkIfname } from './links.ts';
export type { Address } from './addresses.ts';
export { IFA_F } from './addresses.ts';
export type { Nexthop, Route, RouteAddOptions, RouteSpec } from './routes.ts';
export type { PortVlan } from './vlan.ts';
export { RT_SCOPE, RT_TABLE, RTN, RTPROT } from './routes.ts';
export { readSysctl, sysctlPath, writeSysctl } from './sysctl.ts';
export type { ErrnoError } from './errors.ts';
export { errnoError, hasCode, wrapError } from './errors.ts';
