// The fields every plugin configuration shares (the reference's types.PluginConf), as one
// schema from which the TypeScript type is checked and the build-time validator generated.
import type { JSONSchemaType } from 'ajv';
import { attachmentOf, type Attachment, type AttachmentRef } from '../../cni/attachment.ts';
import type { DNS } from '../../cni/result.ts';

/** What every plugin's configuration has, whatever else it declares. */
export interface CommonConf {
  cniVersion: string;
  name: string;
  type: string;
  prevResult?: Record<string, unknown>;
  'cni.dev/valid-attachments'?: AttachmentRef[];
  'cni.dev/attachments'?: AttachmentRef[];
  /** Observability (lib/obs/settings.ts reads them; here they are only validated). */
  logFile?: string;
  logLevel?: string;
  metricsDir?: string;
}

/** The reference's types.NetConf, which bridge and portmap embed (host-local declares its own). */
export interface PluginNetConf extends CommonConf {
  capabilities?: Record<string, boolean>;
  ipam?: { type: string };
  dns?: DNS;
}

export interface NetConf extends PluginNetConf {
  runtimeConfig?: Record<string, unknown>;
  args?: Record<string, unknown>;
}

/** The attachments a GC must keep: the spec's key, or the legacy key libcni also sends. */
export const validAttachments = (conf: CommonConf): Attachment[] =>
  (conf['cni.dev/valid-attachments'] ?? conf['cni.dev/attachments'] ?? []).map((ref) => attachmentOf(conf.name, ref));

const stringList = { type: 'array', items: { type: 'string' }, nullable: true } as const;

export const attachmentsSchema = {
  type: 'array',
  nullable: true,
  items: {
    type: 'object',
    properties: { containerID: { type: 'string', default: '' }, ifname: { type: 'string', default: '' } },
    required: ['containerID', 'ifname'],
  },
} as const;

export const dnsSchema: JSONSchemaType<DNS> = {
  type: 'object',
  properties: {
    nameservers: stringList,
    domain: { type: 'string', nullable: true },
    search: stringList,
    options: stringList,
  },
};

/** A main plugin's `ipam` object: only its type is ours to read, the rest is the IPAM plugin's. */
export const ipamRefSchema = {
  type: 'object',
  nullable: true,
  properties: { type: { type: 'string', default: '' } },
  required: ['type'],
} as const;

/** logFile, logLevel and metricsDir: every plugin accepts them (host-local in its `ipam` too). */
export const observabilityProperties = {
  logFile: { type: 'string', nullable: true },
  logLevel: { type: 'string', nullable: true, enum: ['error', 'warn', 'info', 'debug', null] },
  metricsDir: { type: 'string', nullable: true },
} as const;

/** The schema of CommonConf's fields, spread into each plugin's schema. */
export const commonProperties = {
  ...observabilityProperties,
  cniVersion: { type: 'string', default: '' },
  name: { type: 'string', default: '' },
  type: { type: 'string', default: '' },
  prevResult: { type: 'object', nullable: true, required: [] as never[] },
  'cni.dev/valid-attachments': attachmentsSchema,
  'cni.dev/attachments': attachmentsSchema,
} as const;

/** The schema of PluginNetConf's fields. Go leaves a capability given as null false: null passes. */
export const pluginNetConfProperties = {
  ...commonProperties,
  capabilities: { type: 'object', nullable: true, required: [] as never[], additionalProperties: { type: 'boolean', nullable: true } },
  ipam: ipamRefSchema,
  dns: { ...dnsSchema, nullable: true },
} as const;

export const netConfSchema: JSONSchemaType<NetConf> = {
  type: 'object',
  properties: {
    ...pluginNetConfProperties,
    runtimeConfig: { type: 'object', nullable: true, required: [] },
    args: { type: 'object', nullable: true, required: [] },
  },
  required: ['cniVersion', 'name', 'type'],
};
