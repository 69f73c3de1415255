// Which firewall a verb uses, decided as late as possible: the shared choice (lib/firewall/
// backend.ts) tries iptables before probing anything, except when backend-specific options
// make the host's default matter before any rule is written.
import { iptablesUsable, nftablesUsable, withBackend } from '../../lib/firewall/backend.ts';
import type { Backend } from '../../lib/firewall/backend.ts';
import { checkBackend, type PortmapConfig } from './config.ts';

/** The reference default: iptables unless it is unusable and nftables is usable. */
async function defaultBackend(): Promise<Backend> {
  if (await iptablesUsable()) return 'iptables';
  return (await nftablesUsable()) ? 'nftables' : 'iptables';
}

export async function withPortmapBackend<T>(conf: PortmapConfig, run: (b: Backend) => Promise<T>): Promise<T> {
  const specific = conf.backendOptions.iptables.length + conf.backendOptions.nftables.length > 0;
  // Backend-specific options are only an error for the backend the host defaults to: ask it.
  if (conf.backend === undefined && specific) return run(checkBackend(await defaultBackend(), conf.backendOptions));
  return withBackend(conf.backend, run);
}
