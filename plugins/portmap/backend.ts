// Which forwarder a verb uses, decided as late as possible: the shared choice (lib/firewall/
// backend.ts) tries iptables before probing anything, except when backend-specific options
// make the host's default matter before any rule is written.
import { defaultBackend, withChosen, type Backends } from '../../lib/firewall/backend.ts';
import { checkBackend, type PortmapConfig } from './config.ts';
import type { Forwarder } from './firewall/backend.ts';

export async function withForwarder<T>(conf: PortmapConfig, forwarders: Backends<Forwarder>, op: (f: Forwarder) => Promise<T>): Promise<T> {
  const specific = conf.backendOptions.iptables.length + conf.backendOptions.nftables.length > 0;
  // Backend-specific options are only an error for the backend the host defaults to: ask it.
  if (conf.backend === undefined && specific) return op(await forwarders[checkBackend(await defaultBackend(forwarders), conf.backendOptions)]());
  return withChosen(forwarders, conf.backend, op);
}
