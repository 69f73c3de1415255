// The fields every plugin configuration shares (the reference's types.PluginConf), as one
// schema from which the TypeScript type is checked and the build-time validator generated.
import type { JSONSchemaType } from 'ajv';

export interface DnsConf {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export interface Attachment {
  containerID: string;
  ifname: string;
}

export interface NetConf {
  cniVersion: string;
  name: string;
  type: string;
  capabilities?: Record<string, boolean>;
  ipam?: { type: string };
  dns?: DnsConf;
  runtimeConfig?: Record<string, unknown>;
  args?: Record<string, unknown>;
  prevResult?: Record<string, unknown>;
  'cni.dev/valid-attachments'?: Attachment[];
  'cni.dev/attachments'?: Attachment[];
}

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

export const dnsSchema: JSONSchemaType<DnsConf> = {
  type: 'object',
  properties: {
    nameservers: stringList,
    domain: { type: 'string', nullable: true },
    search: stringList,
    options: stringList,
  },
};

export const netConfSchema: JSONSchemaType<NetConf> = {
  type: 'object',
  properties: {
    cniVersion: { type: 'string', default: '' },
    name: { type: 'string', default: '' },
    type: { type: 'string', default: '' },
    capabilities: { type: 'object', nullable: true, required: [], additionalProperties: { type: 'boolean' } },
    ipam: {
      type: 'object',
      nullable: true,
      properties: { type: { type: 'string', default: '' } },
      required: ['type'],
    },
    dns: { ...dnsSchema, nullable: true },
    runtimeConfig: { type: 'object', nullable: true, required: [] },
    args: { type: 'object', nullable: true, required: [] },
    prevResult: { type: 'object', nullable: true, required: [] },
    'cni.dev/valid-attachments': attachmentsSchema,
    'cni.dev/attachments': attachmentsSchema,
  },
  required: ['cniVersion', 'name', 'type'],
};
