// The portmap configuration as it arrives on stdin (the reference's PortMapConf): the wire shape
// only. config.ts checks it and turns it into the canonical PortmapConfig.
import type { JSONSchemaType } from 'ajv';
import { pluginNetConfProperties, type PluginNetConf } from '../../lib/config/schemas/netconf.ts';

export interface PortMapEntryWire {
  hostPort: number;
  containerPort: number;
  protocol: string;
  hostIP?: string;
}

export interface PortmapWire extends PluginNetConf {
  backend?: string;
  snat?: boolean;
  masqAll?: boolean;
  markMasqBit?: number;
  externalSetMarkChain?: string;
  conditionsV4?: string[];
  conditionsV6?: string[];
  runtimeConfig?: { portMappings?: PortMapEntryWire[] };
}

const optString = { type: 'string', nullable: true } as const;
const optStrings = { type: 'array', nullable: true, items: { type: 'string' } } as const;

const entrySchema: JSONSchemaType<PortMapEntryWire> = {
  type: 'object',
  properties: {
    // Go's zero values: a missing port is 0 (then rejected by number), a missing protocol ''.
    hostPort: { type: 'integer', default: 0 },
    containerPort: { type: 'integer', default: 0 },
    protocol: { type: 'string', default: '' },
    hostIP: optString,
  },
  required: ['hostPort', 'containerPort', 'protocol'],
};

export const portmapSchema: JSONSchemaType<PortmapWire> = {
  type: 'object',
  properties: {
    ...pluginNetConfProperties,
    backend: optString,
    snat: { type: 'boolean', nullable: true },
    masqAll: { type: 'boolean', nullable: true },
    markMasqBit: { type: 'integer', nullable: true },
    externalSetMarkChain: optString,
    conditionsV4: optStrings,
    conditionsV6: optStrings,
    runtimeConfig: {
      type: 'object',
      nullable: true,
      properties: { portMappings: { type: 'array', nullable: true, items: entrySchema } },
      required: [],
    },
  },
  required: ['cniVersion', 'name', 'type'],
};
