// host-local's reservations of a network and how full each of its ranges is, read through its
// own store (under its lock, creating nothing: a network without a directory has none).
import { diskDeps, withStore } from '../../../ipam/host-local/deps.ts';
import type { HostLocalConfig } from '../../../ipam/host-local/config.ts';
import { rangeCapacity, rangeContains, rangeString } from '../../../ipam/host-local/range.ts';
import type { Reservation } from '../../../ipam/host-local/store/types.ts';
import { formatPrefix, parseIP } from '../../../lib/ip/index.ts';

export interface RangeUse {
  readonly set: number;
  readonly subnet: string;
  /** start-end, as host-local names a range in its messages. */
  readonly range: string;
  readonly allocated: number;
  readonly capacity: bigint;
}

export function rangeUse(conf: HostLocalConfig, reservations: readonly Reservation[]): RangeUse[] {
  const ips = reservations.flatMap((r) => parseIP(r.ip) ?? []);
  return conf.rangeSets.flatMap((set, i) =>
    set.map((r) => ({
      set: i,
      subnet: formatPrefix(r.subnet),
      range: rangeString(r),
      allocated: ips.filter((ip) => rangeContains(r, ip)).length,
      capacity: rangeCapacity(r),
    })),
  );
}

export const reservationsOf = (conf: HostLocalConfig): Reservation[] => withStore(diskDeps, conf, false, [], (store) => store.reservations());
