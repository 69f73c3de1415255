// ADD: forward each mapping to the container's first v4 and first v6 address, flush stale UDP
// conntrack entries for the host ports, allow 127.0.0.1 across the host link, and pass the
// previous result through. No mappings: the previous result, and no netfilter work at all.
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import type { Result } from '../../lib/cni/result.ts';
import { withPortmapBackend } from './backend.ts';
import type { PortmapConfig } from './config.ts';
import { flushUdp } from './flush.ts';
import { forwardSpec } from './spec.ts';

export async function add(req: Request<PortmapConfig>): Promise<Result> {
  const conf = req.config;
  if (conf.prevResult === undefined) throw new CniError(Code.InvalidNetworkConfig, 'must be called as chained plugin');
  if (conf.mappings.length === 0 || conf.containerIPs.length === 0) return conf.prevResult;
  const specs = conf.containerIPs.map((ip) => forwardSpec(req, ip));
  const forward = withPortmapBackend(conf, async (backend) => {
    if (backend === 'nftables') {
      const { nftForward } = await import('./firewall/nft.ts');
      await Promise.all(specs.map((s) => nftForward(s)));
    } else {
      const { iptablesForward } = await import('./firewall/iptables.ts');
      await Promise.all(specs.map((s) => iptablesForward(s)));
    }
  });
  // route_localnet does not depend on the rules: it runs while the firewall tool does.
  const v4 = conf.containerIPs.find((ip) => ip.family === 4);
  const localnet = v4 && conf.options.snat ? import('./localnet.ts').then((m) => m.enableRouteLocalnet(v4.address)) : Promise.resolve();
  await Promise.all([forward, localnet]);
  // After the rules, so that new packets meet them; failures are only logged, as the reference does.
  await Promise.all(conf.containerIPs.map((ip) => flushUdp(conf.mappings, ip.family)));
  return conf.prevResult;
}
