// The plain data the firewall planners take, from the loaded configuration and the request.
import { attachmentOf } from '../../lib/cni/attachment.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { FAMILIES, type ContainerIP, type ForwardSpec, type Teardown } from './firewall/types.ts';
import type { PortmapConfig } from './config.ts';

const forwards = (req: Request<PortmapConfig>): Omit<ForwardSpec, 'ip'> => ({
  attachment: attachmentOf(req.config.name, req),
  options: req.config.options,
  mappings: req.config.mappings,
});

export const forwardSpec = (req: Request<PortmapConfig>, ip: ContainerIP): ForwardSpec => ({ ...forwards(req), ip });

/** The families are those of the previous result when there is one, else both. */
export function teardown(req: Request<PortmapConfig>): Teardown {
  const ips = req.config.containerIPs;
  return { ...forwards(req), ips, families: ips.length > 0 ? ips.map((ip) => ip.family) : FAMILIES };
}
