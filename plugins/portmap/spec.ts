// The plain data the firewall planners take, from the loaded configuration and the request.
import type { Request } from '../../lib/cni/plugin.ts';
import type { Attachment, ContainerIP, ForwardSpec } from './firewall/types.ts';
import type { PortmapConfig } from './config.ts';

export const attachmentOf = (req: Request<PortmapConfig>): Attachment => ({
  network: req.config.name,
  containerID: req.containerID,
  ifname: req.ifname,
});

export const forwardSpec = (req: Request<PortmapConfig>, ip: ContainerIP): ForwardSpec => ({
  attachment: attachmentOf(req),
  options: req.config.options,
  mappings: req.config.mappings,
  ip,
});
