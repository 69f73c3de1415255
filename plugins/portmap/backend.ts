// Which firewall a verb uses, decided as late as possible: a configured backend is used as is;
// otherwise iptables is tried first (the reference's default), and only when it cannot run at
// all are both probed, so the common path starts no probe process.
import { iptablesUsable, nftablesUsable, defaultBackend } from '../../lib/firewall/backend.ts';
import { ToolError } from '../../lib/firewall/run.ts';
import { checkBackend, type Backend, type PortmapConfig } from './config.ts';

function causedByTool(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof ToolError) return true;
  return false;
}

export async function withBackend<T>(conf: PortmapConfig, run: (b: Backend) => Promise<T>): Promise<T> {
  if (conf.backend !== undefined) return run(conf.backend);
  const specific = conf.backendOptions.iptables.length + conf.backendOptions.nftables.length > 0;
  // Backend-specific options are only an error for the backend the host defaults to: ask it.
  if (specific) return run(checkBackend(await defaultBackend(), conf.backendOptions));
  try {
    return await run('iptables');
  } catch (err) {
    if (!causedByTool(err) || (await iptablesUsable()) || !(await nftablesUsable())) throw err;
    return run('nftables');
  }
}
