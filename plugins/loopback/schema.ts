// The loopback configuration as it arrives on stdin: the reference's plain types.NetConf, of
// which the plugin reads only cniVersion and prevResult.
import type { JSONSchemaType } from 'ajv';
import { pluginNetConfProperties, type PluginNetConf } from '../../lib/config/schemas/netconf.ts';

export type LoopbackWire = PluginNetConf;

export const loopbackSchema: JSONSchemaType<LoopbackWire> = {
  type: 'object',
  properties: pluginNetConfProperties,
  required: ['cniVersion', 'name', 'type'],
};
