// loopback: brings up `lo` in the container, as containerd's CRI asks of every pod. Each verb is
// loaded only when it runs; GC and STATUS have nothing to do.
import type { Plugin } from '../../lib/cni/plugin.ts';
import { configVersion } from '../../lib/cni/skel.ts';
import { loadConfig, type LoopbackConfig } from './config.ts';
import { hostDeps } from './deps.ts';

export const loopback: Plugin<LoopbackConfig> = {
  name: 'loopback',
  // The reference decodes the config in ADD alone: a DEL must not fail on a field it never reads.
  parseConfig: (raw, _env, command) => (command === 'ADD' || command === 'CHECK' ? loadConfig(raw) : { cniVersion: configVersion(raw) }),
  add: async (req) => (await import('./add.ts')).add(req, hostDeps),
  del: async (req) => (await import('./del.ts')).del(req, hostDeps),
  check: async (req) => (await import('./check.ts')).check(req, hostDeps),
};

export const plugin = loopback;
