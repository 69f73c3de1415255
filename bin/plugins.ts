// The plugins this executable answers to, by invoked name. Loaders are lazy so that each
// invocation initialises only the plugin it runs (esbuild turns these imports into deferred
// module initialisers inside the one bundle).
import type { AnyPlugin } from '../lib/cni/plugin.ts';

export const PLUGINS: Readonly<Record<string, () => Promise<AnyPlugin>>> = {
  bridge: () => import('../plugins/bridge/plugin.ts').then((m) => m.plugin),
  'host-local': () => import('../ipam/host-local/plugin.ts').then((m) => m.plugin),
  loopback: () => import('../plugins/loopback/plugin.ts').then((m) => m.plugin),
  portmap: () => import('../plugins/portmap/plugin.ts').then((m) => m.plugin),
};
