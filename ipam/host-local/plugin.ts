// host-local IPAM: the reference's behaviour, plus GC and STATUS, one lock per ADD, durable
// reservations and an owner index that keeps DEL and CHECK independent of the network's size.
import type { Plugin } from '../../lib/cni/plugin.ts';
import { add } from './add.ts';
import { check } from './check.ts';
import { loadConfig, type HostLocalConfig } from './config.ts';
import { del } from './del.ts';
import { gc } from './gc.ts';
import { status } from './status.ts';

export const hostLocal: Plugin<HostLocalConfig> = {
  name: 'host-local',
  settingsIn: 'ipam',
  parseConfig: (raw, env) => loadConfig(raw, env.args),
  add: (req) => add(req),
  del: (req) => del(req),
  check: (req) => check(req),
  gc: (req) => gc(req),
  status: (req) => status(req),
};

export const plugin = hostLocal;
