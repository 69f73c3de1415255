// The plain data the firewall planners take, from the loaded configuration and the request.
import { attachmentOf, type AttachmentRef } from '../../lib/cni/attachment.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import { FAMILIES, type ContainerIP, type ForwardSpec, type PortMapping, type Teardown } from './firewall/types.ts';
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

/** How the metrics state names an attachment of the network. */
export const attachmentKey = (a: AttachmentRef): string => `${a.containerID}/${a.ifname}`;

/** A mapping as the log shows it: "tcp 0.0.0.0:8080 -> 80". */
export const describeMapping = (m: PortMapping): string =>
  `${m.protocol} ${m.hostIP && !m.hostIP.unspecified ? (m.hostIP.family === 6 ? `[${m.hostIP.text}]` : m.hostIP.text) : '*'}:${m.hostPort} -> ${m.containerPort}`;
