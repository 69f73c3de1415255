// ADD: forward each mapping to the container's first v4 and first v6 address, flush stale UDP
// conntrack entries for the host ports, allow 127.0.0.1 across the host link, and pass the
// previous result through. No mappings: the previous result, and no netfilter work at all.
// What a tool would refuse is refused before anything changes; a failure after that takes back
// this attachment's rules and route_localnet, if this ADD turned it on.
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import type { Result } from '../../lib/cni/result.ts';
import { UndoStack } from '../../lib/cni/undo.ts';
import { withForwarder } from './backend.ts';
import { checkConditions } from './conditions.ts';
import type { Forwarder } from './firewall/backend.ts';
import type { PortmapConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { attachmentKey, describeMapping, forwardSpec, teardown } from './spec.ts';

export async function add(req: Request<PortmapConfig>, deps: Deps): Promise<Result> {
  const conf = req.config;
  if (conf.prevResult === undefined) throw new CniError(Code.InvalidNetworkConfig, 'must be called as chained plugin');
  if (conf.mappings.length === 0 || conf.containerIPs.length === 0) return conf.prevResult;
  checkConditions(conf.options);
  const undo = new UndoStack();
  const specs = conf.containerIPs.map((ip) => forwardSpec(req, ip));
  // The forwarder that last tried, once the backend is chosen (its config checked).
  let forwarder: Forwarder | undefined;
  const forward = withForwarder(conf, deps.forwarders, async (f) => {
    forwarder = f;
    // Every family finishes before a rollback removes what it made.
    const failed = (await Promise.allSettled(specs.map((s) => f.forward(s)))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  // route_localnet does not depend on the rules: it runs while the firewall tool does.
  const v4 = conf.containerIPs.find((ip) => ip.family === 4);
  const localnet = v4 && conf.options.snat ? deps.enableRouteLocalnet(v4.address) : undefined;
  const [forwarded, enabled] = await Promise.allSettled([forward, localnet]);
  const tried = forwarder as Forwarder | undefined;
  if (tried !== undefined) undo.push('port forwards', () => tried.unforward(teardown(req)));
  if (enabled.status === 'fulfilled' && enabled.value !== undefined) undo.push('route_localnet', enabled.value);
  const failed = [forwarded, enabled].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failed.length > 0) await undo.rollback(failed);
  // After the rules, so that new packets meet them; failures are only logged, as the reference does.
  await Promise.all(conf.containerIPs.map((ip) => deps.flushUdp(conf.mappings, ip.family, (m) => req.obs.warn(m))));
  req.obs.did({ mapped: conf.mappings.map(describeMapping), backend: tried!.backend });
  req.obs.sample({ kind: 'portmap', network: conf.name, backend: tried!.backend, attachment: attachmentKey(req), mappings: conf.mappings.length });
  return conf.prevResult;
}
