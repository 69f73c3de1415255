// What the verbs touch outside their own data, as one object built by the plugin entry: the
// forwarder of each firewall backend, the conntrack flush and route_localnet. Unit tests pass
// fakes; the plugin passes the host's, each loaded only when a verb first calls it.
import type { Backends } from '../../lib/firewall/backend.ts';
import type { Family } from '../../lib/ip/index.ts';
import { FORWARDERS, type Forwarder } from './firewall/backend.ts';
import type { PortMapping } from './firewall/types.ts';
import { flushUdp } from './flush.ts';

export interface Deps {
  readonly forwarders: Backends<Forwarder>;
  /** Drops stale UDP conntrack entries for the mappings' host ports; a failure is passed to
   *  `warn`, never thrown. */
  flushUdp(mappings: readonly PortMapping[], family: Family, warn: (message: string) => void): Promise<void>;
  /** Lets 127.0.0.1 be DNATed across the host link that routes to this container address;
   *  returns how to undo that when it was off. */
  enableRouteLocalnet(containerAddress: string): Promise<(() => void) | undefined>;
}

export const hostDeps = (): Deps => ({
  forwarders: FORWARDERS,
  flushUdp,
  enableRouteLocalnet: async (address) => (await import('./localnet.ts')).enableRouteLocalnet(address),
});
