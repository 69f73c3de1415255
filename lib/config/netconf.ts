// The shared part of every plugin's configuration.
import type { ConfigSpec } from './decode.ts';
import { validate } from './generated/netconf.ts';
import { netConfSchema, type NetConf } from './schemas/netconf.ts';

export const netConfSpec: ConfigSpec<NetConf> = { schema: netConfSchema, validate };
export type { Attachment, DnsConf, NetConf } from './schemas/netconf.ts';
export { validAttachments } from './schemas/netconf.ts';
