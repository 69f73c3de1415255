// The bridge configuration as it arrives on stdin (the reference's bridge NetConf): the wire
// shape only. config.ts checks what a schema cannot say with the reference's own messages.
import type { JSONSchemaType } from 'ajv';
import { pluginNetConfProperties, type PluginNetConf } from '../../lib/config/schemas/netconf.ts';

export interface VlanTrunkWire {
  minID?: number;
  maxID?: number;
  id?: number;
}

export interface BridgeWire extends PluginNetConf {
  bridge?: string;
  isGateway?: boolean;
  isDefaultGateway?: boolean;
  forceAddress?: boolean;
  ipMasq?: boolean;
  ipMasqBackend?: string;
  mtu?: number;
  hairpinMode?: boolean;
  promiscMode?: boolean;
  vlan?: number;
  vlanTrunk?: VlanTrunkWire[];
  preserveDefaultVlan?: boolean;
  macspoofchk?: boolean;
  enabledad?: boolean;
  disableContainerInterface?: boolean;
  portIsolation?: boolean;
  runtimeConfig?: { mac?: string };
  args?: { cni?: { mac?: string } };
}

const optBool = { type: 'boolean', nullable: true } as const;
const optInt = { type: 'integer', nullable: true } as const;
const optString = { type: 'string', nullable: true } as const;

export const bridgeSchema: JSONSchemaType<BridgeWire> = {
  type: 'object',
  properties: {
    ...pluginNetConfProperties,
    bridge: optString,
    isGateway: optBool,
    isDefaultGateway: optBool,
    forceAddress: optBool,
    ipMasq: optBool,
    ipMasqBackend: optString,
    mtu: optInt,
    hairpinMode: optBool,
    promiscMode: optBool,
    vlan: optInt,
    vlanTrunk: {
      type: 'array',
      nullable: true,
      items: { type: 'object', properties: { minID: optInt, maxID: optInt, id: optInt }, required: [] },
    },
    preserveDefaultVlan: optBool,
    macspoofchk: optBool,
    enabledad: optBool,
    disableContainerInterface: optBool,
    portIsolation: optBool,
    runtimeConfig: { type: 'object', nullable: true, properties: { mac: optString }, required: [] },
    args: {
      type: 'object',
      nullable: true,
      properties: { cni: { type: 'object', nullable: true, properties: { mac: optString }, required: [] } },
      required: [],
    },
  },
  required: ['cniVersion', 'name', 'type'],
};
