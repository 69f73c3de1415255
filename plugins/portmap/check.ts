// CHECK: the previous result is required; with mappings, each address's rules must be in place
// (iptables: every rule of the plan, by one read-only restore of -C lines; nftables: the
// attachment's chains hold a rule per mapping and every key points at them).
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { withForwarder } from './backend.ts';
import type { PortmapConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { forwardSpec } from './spec.ts';

export async function check(req: Request<PortmapConfig>, deps: Deps): Promise<void> {
  const conf = req.config;
  if (conf.prevResult === undefined) throw new CniError(Code.InvalidNetworkConfig, 'Required prevResult missing');
  if (conf.mappings.length === 0) return;
  const specs = conf.containerIPs.map((ip) => forwardSpec(req, ip));
  await withForwarder(conf, deps.forwarders, async (f) => {
    for (const s of specs) {
      try {
        await f.check(s);
      } catch (err) {
        throw new Error(`could not check ${s.ip.family === 6 ? 'ipv6' : 'ipv4'} dnat: ${(err as Error).message}`, { cause: err });
      }
    }
  });
}
