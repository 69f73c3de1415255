// Which forwarder a verb uses, decided as late as possible: the shared choice (lib/firewall/
// backend.ts) tries iptables before probing anything, except when backend-specific options
// make the host's default matter before any rule is written.
import { BACKENDS, withBackend, type Backend, type Backends, type Probes } from '../../lib/firewall/backend.ts';
import { checkBackend, type PortmapConfig } from './config.ts';
import type { Forwarder } from './firewall/backend.ts';

/** Each backend's usability, as its forwarder reports it. */
export const probesOf = (forwarders: Backends<Forwarder>): Probes =>
  Object.fromEntries(BACKENDS.map((b) => [b, async () => (await forwarders[b]()).usable()])) as Record<Backend, () => Promise<boolean>>;

/** The reference default: iptables unless it is unusable and nftables is usable. */
async function defaultBackend(probes: Probes): Promise<Backend> {
  if (await probes.iptables()) return 'iptables';
  return (await probes.nftables()) ? 'nftables' : 'iptables';
}

export async function withForwarder<T>(conf: PortmapConfig, forwarders: Backends<Forwarder>, op: (f: Forwarder) => Promise<T>): Promise<T> {
  const probes = probesOf(forwarders);
  const run = async (b: Backend): Promise<T> => op(await forwarders[b]());
  const specific = conf.backendOptions.iptables.length + conf.backendOptions.nftables.length > 0;
  // Backend-specific options are only an error for the backend the host defaults to: ask it.
  if (conf.backend === undefined && specific) return run(checkBackend(await defaultBackend(probes), conf.backendOptions));
  return withBackend(conf.backend, run, probes);
}
