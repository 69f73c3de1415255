// Every schema that gets a validator generated at build time: the module, its export, and the
// generated file the runtime code imports.
export const VALIDATORS = [
  { module: 'lib/config/schemas/netconf.ts', export: 'netConfSchema', out: 'lib/config/generated/netconf.ts' },
  { module: 'ipam/host-local/schema.ts', export: 'hostLocalSchema', out: 'lib/config/generated/host-local.ts' },
  { module: 'plugins/bridge/schema.ts', export: 'bridgeSchema', out: 'lib/config/generated/bridge.ts' },
  { module: 'plugins/portmap/schema.ts', export: 'portmapSchema', out: 'lib/config/generated/portmap.ts' },
] as const;
