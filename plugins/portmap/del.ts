// DEL: idempotent and safe without mappings (then nothing runs, as in the reference). The
// families are those of the previous result when there is one, else both. Each family's rules
// are removed from what the mappings say ADD made, falling back to a listing when that is not
// all there; the UDP conntrack entries for the host ports go too (reference #1190).
import type { Request } from '../../lib/cni/plugin.ts';
import { entryRules, dnatChainName } from './firewall/iptables-plan.ts';
import { expectedKeys, keysOf } from './firewall/nft-plan.ts';
import { withPortmapBackend } from './backend.ts';
import type { PortmapConfig } from './config.ts';
import { flushUdp } from './flush.ts';
import { attachmentOf, forwardSpec } from './spec.ts';

export async function del(req: Request<PortmapConfig>): Promise<void> {
  const conf = req.config;
  if (conf.mappings.length === 0) return;
  const a = attachmentOf(req);
  const families: (4 | 6)[] = conf.containerIPs.length > 0 ? conf.containerIPs.map((ip) => ip.family) : [4, 6];
  const base = { attachment: a, options: conf.options, mappings: conf.mappings };
  await withPortmapBackend(conf, async (backend) => {
    if (backend === 'nftables') {
      const { nftUnforward } = await import('./firewall/nft.ts');
      await Promise.all(
        families.map((family) => {
          const ip = conf.containerIPs.find((i) => i.family === family);
          // Without the address, only the DNAT keys are known; the masquerade key is found by listing.
          const keys = ip ? expectedKeys(forwardSpec(req, ip)) : keysOf({ ...base, ip: { family, address: '', cidr: '' }, options: { ...conf.options, snat: false } }).dnat;
          return nftUnforward(a, family, keys);
        }),
      );
    } else {
      const { iptablesUnforward } = await import('./firewall/iptables.ts');
      const results = await Promise.allSettled(families.map((family) => iptablesUnforward(a, family, entryRules(base, family, dnatChainName(a)))));
      // As the reference: a family whose tables cannot be used is skipped, unless none can be.
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length === results.length || (conf.containerIPs.length > 0 && failed.length > 0)) throw failed[0]!.reason;
    }
  });
  await Promise.all(families.map((family) => flushUdp(conf.mappings, family)));
}
