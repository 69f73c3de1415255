// The host-local configuration as it arrives on stdin (the reference's allocator.Net): the wire
// shape only, with addresses still as text. config.ts parses and canonicalizes it.
import type { JSONSchemaType } from 'ajv';
import { commonProperties, observabilityProperties, type CommonConf } from '../../lib/config/schemas/netconf.ts';
import type { Route } from '../../lib/cni/result.ts';

export interface RangeWire {
  subnet?: string;
  rangeStart?: string;
  rangeEnd?: string;
  gateway?: string;
}

/** A route as configured: the result's Route, with `dst` checked in code for the reference's message. */
export type RouteWire = Partial<Route>;

/** The `ipam` object; the legacy single range sits directly in it (Go embeds *Range). */
export interface IpamWire extends RangeWire {
  type: string;
  name?: string;
  routes?: RouteWire[];
  dataDir?: string;
  resolvConf?: string;
  ranges?: RangeWire[][];
  logFile?: string;
  logLevel?: string;
  metricsDir?: string;
}

export interface HostLocalWire extends CommonConf {
  ipam?: IpamWire;
  runtimeConfig?: { ipRanges?: RangeWire[][]; ips?: string[] };
  args?: { cni?: { ips?: string[] } };
}

const optString = { type: 'string', nullable: true } as const;
const optInt = { type: 'integer', nullable: true } as const;
const ipList = { type: 'array', nullable: true, items: { type: 'string' } } as const;

const rangeProps = { subnet: optString, rangeStart: optString, rangeEnd: optString, gateway: optString } as const;

const rangeSchema: JSONSchemaType<RangeWire> = { type: 'object', properties: rangeProps, required: [] };

const rangeSetsSchema = { type: 'array', nullable: true, items: { type: 'array', items: rangeSchema } } as const;

const routeSchema: JSONSchemaType<RouteWire> = {
  type: 'object',
  properties: { dst: optString, gw: optString, mtu: optInt, advmss: optInt, priority: optInt, table: optInt, scope: optInt },
  required: [],
};

export const hostLocalSchema: JSONSchemaType<HostLocalWire> = {
  type: 'object',
  properties: {
    ...commonProperties,
    ipam: {
      type: 'object',
      nullable: true,
      properties: {
        ...rangeProps,
        type: { type: 'string', default: '' },
        name: optString,
        routes: { type: 'array', nullable: true, items: routeSchema },
        dataDir: optString,
        resolvConf: optString,
        ranges: rangeSetsSchema,
        ...observabilityProperties,
      },
      required: ['type'],
    },
    runtimeConfig: {
      type: 'object',
      nullable: true,
      properties: { ipRanges: rangeSetsSchema, ips: ipList },
      required: [],
    },
    args: {
      type: 'object',
      nullable: true,
      properties: {
        cni: { type: 'object', nullable: true, properties: { ips: ipList }, required: [] },
      },
      required: [],
    },
  },
  required: ['cniVersion', 'name', 'type'],
};
