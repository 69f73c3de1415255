// CHECK: the previous result is required; with mappings, each address's rules must be in place
// (iptables: every rule of the plan, by one read-only restore of -C lines; nftables: the
// attachment's chains hold a rule per mapping and every key points at them).
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { withPortmapBackend } from './backend.ts';
import type { PortmapConfig } from './config.ts';
import { forwardSpec } from './spec.ts';

export async function check(req: Request<PortmapConfig>): Promise<void> {
  const conf = req.config;
  if (conf.prevResult === undefined) throw new CniError(Code.InvalidNetworkConfig, 'Required prevResult missing');
  if (conf.mappings.length === 0) return;
  const specs = conf.containerIPs.map((ip) => forwardSpec(req, ip));
  await withPortmapBackend(conf, async (backend) => {
    for (const s of specs) {
      const v = s.ip.family === 6 ? 'ipv6' : 'ipv4';
      try {
        if (backend === 'nftables') {
          const { nftCheck } = await import('./firewall/nft.ts');
          await nftCheck(s);
        } else {
          const { iptablesCheck } = await import('./firewall/iptables.ts');
          await iptablesCheck(s);
        }
      } catch (err) {
        throw new Error(`could not check ${v} dnat: ${(err as Error).message}`, { cause: err });
      }
    }
  });
}
