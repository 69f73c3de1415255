// bridge: the reference's main plugin, plus rollback on a failed ADD, DEL that cleans up without
// the netns, CHECK for L2 configs, GC and STATUS. Verbs and their dependencies are loaded on
// demand: a DEL never initialises the ADD path's modules, and a VERSION or a config error none.
import type { Plugin } from '../../lib/cni/plugin.ts';
import { parseBridgeConf, type BridgeConfig } from './config.ts';
import type { Deps } from './deps.ts';

const deps = async (): Promise<Deps> => (await import('./deps.ts')).hostDeps;

export const bridge: Plugin<BridgeConfig> = {
  name: 'bridge',
  parseConfig: (raw, env, command) => parseBridgeConf(raw, env.args, command),
  add: async (req) => (await import('./add.ts')).add(req, await deps()),
  del: async (req) => (await import('./del.ts')).del(req, await deps()),
  check: async (req) => (await import('./check.ts')).check(req, await deps()),
  gc: async (req) => (await import('./gc.ts')).gc(req, await deps()),
  status: async (req) => (await import('./status.ts')).status(req, await deps()),
};

export const plugin = bridge;
