// bridge: the reference's main plugin, plus rollback on a failed ADD, DEL that cleans up without
// the netns, CHECK for L2 configs, GC and STATUS. Verbs are loaded on demand: a DEL never
// initialises the ADD path's modules.
import type { Plugin } from '../../lib/cni/plugin.ts';
import { parseBridgeConf, type BridgeConfig } from './config.ts';

export const bridge: Plugin<BridgeConfig> = {
  name: 'bridge',
  parseConfig: (raw, env, command) => parseBridgeConf(raw, env.args, command),
  add: async (req) => (await import('./add.ts')).add(req),
  del: async (req) => (await import('./del.ts')).del(req),
  check: async (req) => (await import('./check.ts')).check(req),
  gc: async (req) => (await import('./gc.ts')).gc(req),
  status: async (req) => (await import('./status.ts')).status(req),
};

export const plugin = bridge;
