// bridge: the reference's main plugin, plus rollback on a failed ADD, DEL that cleans up without
// the netns, CHECK for L2 configs, GC and STATUS. Verbs and their dependencies are loaded on
// demand: a DEL never initialises the ADD path's modules, and a VERSION or a config error none.
import type { Plugin } from '../../lib/cni/plugin.ts';
import { parseBridgeConf, type BridgeConfig } from './config.ts';
import type { Deps } from './deps.ts';

/** A verb's module and the dependencies, loaded side by side: one after the other adds their times. */
const load = <M>(verb: Promise<M>): Promise<[M, Deps]> => Promise.all([verb, import('./deps.ts').then((m) => m.hostDeps)]);

export const bridge: Plugin<BridgeConfig> = {
  name: 'bridge',
  parseConfig: (raw, env, command) => parseBridgeConf(raw, env.args, command),
  add: async (req) => load(import('./add.ts')).then(([m, deps]) => m.add(req, deps)),
  del: async (req) => load(import('./del.ts')).then(([m, deps]) => m.del(req, deps)),
  check: async (req) => load(import('./check.ts')).then(([m, deps]) => m.check(req, deps)),
  gc: async (req) => load(import('./gc.ts')).then(([m, deps]) => m.gc(req, deps)),
  status: async (req) => load(import('./status.ts')).then(([m, deps]) => m.status(req, deps)),
};

export const plugin = bridge;
