// ADD: forward each mapping to the container's first v4 and first v6 address, flush stale UDP
// conntrack entries for the host ports, allow 127.0.0.1 across the host link, and pass the
// previous result through. No mappings: the previous result, and no netfilter work at all.
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import type { Result } from '../../lib/cni/result.ts';
import { withForwarder } from './backend.ts';
import type { PortmapConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { forwardSpec } from './spec.ts';

export async function add(req: Request<PortmapConfig>, deps: Deps): Promise<Result> {
  const conf = req.config;
  if (conf.prevResult === undefined) throw new CniError(Code.InvalidNetworkConfig, 'must be called as chained plugin');
  if (conf.mappings.length === 0 || conf.containerIPs.length === 0) return conf.prevResult;
  const specs = conf.containerIPs.map((ip) => forwardSpec(req, ip));
  const forward = withForwarder(conf, deps.forwarders, (f) => Promise.all(specs.map((s) => f.forward(s))));
  // route_localnet does not depend on the rules: it runs while the firewall tool does.
  const v4 = conf.containerIPs.find((ip) => ip.family === 4);
  const localnet = v4 && conf.options.snat ? deps.enableRouteLocalnet(v4.address) : undefined;
  await Promise.all([forward, localnet]);
  // After the rules, so that new packets meet them; failures are only logged, as the reference does.
  await Promise.all(conf.containerIPs.map((ip) => deps.flushUdp(conf.mappings, ip.family)));
  return conf.prevResult;
}
