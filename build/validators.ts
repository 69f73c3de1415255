// Every schema that gets a validator generated at build time: the module and its export. The
// validator is written beside the schema as <schema>.generated.ts, which the runtime imports.
export const VALIDATORS = [
  { module: 'lib/config/schemas/netconf.ts', export: 'netConfSchema' },
  { module: 'ipam/host-local/schema.ts', export: 'hostLocalSchema' },
  { module: 'plugins/bridge/schema.ts', export: 'bridgeSchema' },
  { module: 'plugins/portmap/schema.ts', export: 'portmapSchema' },
  { module: 'plugins/loopback/schema.ts', export: 'loopbackSchema' },
].map((v) => ({ ...v, out: v.module.replace(/\.ts$/, '.generated.ts') }));
