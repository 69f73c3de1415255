// Where a plugin logs and keeps its metrics: its own config keys (`logFile`, `logLevel`,
// `metricsDir`; host-local's in its `ipam` object, then the parent's top level), over the
// node-wide defaults of one JSON file with the same keys. Read leniently: a value of the wrong
// kind is skipped here (the plugin's schema refuses it in its own config with code 7), so that
// observability alone never fails an operation.
import { readFileSync } from 'node:fs';
import { goField } from '../cni/go.ts';

export const NODE_CONFIG = '/etc/cni/cni-ts.json';
/** Names another node-wide file (tests; a runtime passes its environment on to plugins). */
export const NODE_CONFIG_ENV = 'CNI_TS_CONFIG';

export const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type Level = (typeof LEVELS)[number];

export interface Settings {
  readonly logFile?: string;
  readonly logLevel: Level;
  readonly metricsDir?: string;
}

interface Keys {
  logFile?: string;
  logLevel?: Level;
  metricsDir?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const level = (v: unknown): Level | undefined => (LEVELS as readonly unknown[]).includes(v) ? (v as Level) : undefined;

function keysOf(obj: unknown): Keys {
  const out: Keys = {};
  const logFile = text(goField(obj, 'logFile'));
  const logLevel = level(goField(obj, 'logLevel'));
  const metricsDir = text(goField(obj, 'metricsDir'));
  if (logFile) out.logFile = logFile;
  if (logLevel) out.logLevel = logLevel;
  if (metricsDir) out.metricsDir = metricsDir;
  return out;
}

const nodeCache = new Map<string, Keys>();

/** The node-wide file's keys; a missing or unreadable file is no defaults. Read once a process
 *  (a bridge runs host-local in-process). */
export function nodeDefaults(env: Readonly<Record<string, string | undefined>>): Keys {
  const path = env[NODE_CONFIG_ENV] || NODE_CONFIG;
  let found = nodeCache.get(path);
  if (found === undefined) {
    try {
      found = keysOf(JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      found = {};
    }
    nodeCache.set(path, found);
  }
  return found;
}

/**
 * The settings of one invocation, or undefined when neither logs nor metrics are on. `scope`
 * names the sub-object holding an IPAM plugin's own keys; `raw` is undefined when stdin could
 * not be read as a config.
 */
export function settingsFor(raw: unknown, scope: string | undefined, env: Readonly<Record<string, string | undefined>>): Settings | undefined {
  const own = { ...keysOf(raw), ...(scope !== undefined ? keysOf(goField(raw, scope)) : {}) };
  const s = { ...nodeDefaults(env), ...own };
  if (s.logFile === undefined && s.metricsDir === undefined) return undefined;
  return { ...s, logLevel: s.logLevel ?? 'info' };
}
