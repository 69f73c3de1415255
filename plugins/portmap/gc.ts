// GC (spec 1.1.0; the reference has none): removes this network's port forwards whose
// attachment is not in cni.dev/valid-attachments, on every usable backend and family. It keeps
// going past a failure and reports them all at the end.
import { CniError, Code } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { iptablesUsable, nftablesUsable } from '../../lib/firewall/backend.ts';
import type { PortmapConfig } from './config.ts';

export async function gc(req: Request<PortmapConfig>): Promise<void> {
  const conf = req.config;
  const keep = conf.validAttachments;
  const [ipt, nft] = await Promise.all([iptablesUsable(), nftablesUsable()]);
  const jobs: Promise<void>[] = [];
  if (ipt) {
    const { iptablesCollect } = await import('./firewall/iptables.ts');
    for (const family of [4, 6] as const) jobs.push(iptablesCollect(conf.name, family, keep.map((k) => k.containerID)));
  }
  if (nft) {
    const { nftCollect } = await import('./firewall/nft.ts');
    for (const family of [4, 6] as const) jobs.push(nftCollect(conf.name, family, keep));
  }
  const failed = (await Promise.allSettled(jobs)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    const errs = failed.map((f) => f.reason as Error);
    throw new CniError(Code.IOFailure, errs.map((e) => e.message).join('; '), '', { cause: new AggregateError(errs) });
  }
}
