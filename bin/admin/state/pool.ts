// host-local's reservations of a network and how full each of its ranges is, read through its
// own store (under its lock, creating nothing: a network without a directory has none).
import { diskDeps, withStore } from '../../../ipam/host-local/deps.ts';
import type { HostLocalConfig } from '../../../ipam/host-local/config.ts';
import type { Reservation } from '../../../ipam/host-local/store/types.ts';
import { rangeUse, type RangeUse } from '../../../ipam/host-local/usage.ts';

export const reservationsOf = (conf: HostLocalConfig): Reservation[] => withStore(diskDeps, conf, false, [], (store) => store.reservations());

/** Each range's use by `reservations`, counted as host-local's metrics count it. */
export const poolOf = (conf: HostLocalConfig, reservations: readonly Reservation[]): RangeUse[] => rangeUse(conf.rangeSets, reservations.map((r) => r.ip));
