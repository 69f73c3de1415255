// DEL: idempotent and safe without mappings (then nothing runs, as in the reference). The
// forwarder removes the attachment's rules in the families of the previous result, or both
// without one; the UDP conntrack entries for the host ports go too (reference #1190).
import type { Request } from '../../lib/cni/plugin.ts';
import { withForwarder } from './backend.ts';
import type { PortmapConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { attachmentKey, describeMapping, teardown } from './spec.ts';

export async function del(req: Request<PortmapConfig>, deps: Deps): Promise<void> {
  const conf = req.config;
  if (conf.mappings.length === 0) return;
  const t = teardown(req);
  await withForwarder(conf, deps.forwarders, (f) => f.unforward(t));
  await Promise.all(t.families.map((family) => deps.flushUdp(conf.mappings, family, (m) => req.obs.warn(m))));
  req.obs.did({ unmapped: conf.mappings.map(describeMapping) });
  req.obs.sample({ kind: 'portmap', network: conf.name, backend: '', attachment: attachmentKey(req), mappings: 0 });
}
