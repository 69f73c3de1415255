// The shared part of every plugin's configuration.
import type { ConfigSpec } from './decode.ts';
import { validate } from './generated/netconf.ts';
import { netConfSchema, type NetConf } from './schemas/netconf.ts';

export const netConfSpec: ConfigSpec<NetConf> = { schema: netConfSchema, validate };
export type { Attachment, DnsConf, NetConf } from './schemas/netconf.ts';

/** The attachments a GC must keep: the spec's key, or the legacy key libcni also sends. */
export const validAttachments = (conf: NetConf): NetConf['cni.dev/attachments'] =>
  conf['cni.dev/valid-attachments'] ?? conf['cni.dev/attachments'] ?? [];
