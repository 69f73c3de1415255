// GC (spec 1.1.0; the reference has none): removes this network's port forwards whose
// attachment is not in cni.dev/valid-attachments, on every backend and family, since either
// may hold some. It keeps going past a failure and reports those of usable backends together.
import type { Request } from '../../lib/cni/plugin.ts';
import { onEveryBackend } from '../../lib/firewall/backend.ts';
import type { PortmapConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { attachmentKey } from './spec.ts';

export async function gc(req: Request<PortmapConfig>, deps: Deps): Promise<void> {
  const conf = req.config;
  await onEveryBackend(deps.forwarders, (f) => f.collect(conf.name, conf.validAttachments));
  req.obs.sample({ kind: 'portmap-keep', network: conf.name, keep: conf.validAttachments.map(attachmentKey) });
}
