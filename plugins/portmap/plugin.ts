// portmap: host port forwarding for a chained container, on iptables (the reference's layout,
// bit for bit) or nftables (the reference's tables, with per-attachment chains and verdict
// maps). Each verb is loaded only when it runs.
import { CniError } from '../../lib/cni/errors.ts';
import type { Plugin } from '../../lib/cni/plugin.ts';
import { loadConfig, type PortmapConfig } from './config.ts';
import { hostDeps } from './deps.ts';

const deps = hostDeps();

export const portmap: Plugin<PortmapConfig> = {
  name: 'portmap',
  parseConfig: (raw, env, command) => {
    try {
      return loadConfig(raw, env.ifname);
    } catch (err) {
      // The reference prefixes ADD's and DEL's config errors, not CHECK's.
      if (!(err instanceof CniError) || (command !== 'ADD' && command !== 'DEL')) throw err;
      throw new CniError(err.code, `failed to parse config: ${err.message}`, err.details, { cause: err });
    }
  },
  add: async (req) => (await import('./add.ts')).add(req, deps),
  del: async (req) => (await import('./del.ts')).del(req, deps),
  check: async (req) => (await import('./check.ts')).check(req, deps),
  gc: async (req) => (await import('./gc.ts')).gc(req, deps),
  status: async (req) => (await import('./status.ts')).status(req, deps),
};

export const plugin = portmap;
