// Where a plugin logs and keeps its metrics: its own config keys (`logFile`, `logLevel`,
// `metricsDir`; host-local's in its `ipam` object, then the parent's top level), over the
// node-wide defaults of one JSON file with the same keys. Read leniently: a value of the wrong
// kind is skipped here (the plugin's schema refuses it in its own config with code 7), so that
// observability alone never fails an operation.
import { existsSync, readFileSync } from 'node:fs';
import { goField, goFields } from '../cni/go.ts';

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

const KEYS = ['logFile', 'logLevel', 'metricsDir'] as const;

/** Our keys in `obj`, matched as encoding/json matches them, in one pass: every plugin runs
 *  this, on or off. */
function keysOf(obj: unknown): Keys {
  const out: Keys = {};
  const found = goFields(obj, KEYS);
  const logFile = text(found.logFile);
  const logLevel = level(found.logLevel);
  const metricsDir = text(found.metricsDir);
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
    found = {};
    // Checked first: a missing file is the common case, and a thrown ENOENT costs a process
    // about 0.1 ms the first time.
    if (existsSync(path)) {
      try {
        found = keysOf(JSON.parse(readFileSync(path, 'utf8')));
      } catch {
        // Unreadable or not JSON: no defaults.
      }
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
  const node = nodeDefaults(env);
  const top = keysOf(raw);
  const own = scope !== undefined ? keysOf(goField(raw, scope)) : top;
  const logFile = own.logFile ?? top.logFile ?? node.logFile;
  const metricsDir = own.metricsDir ?? top.metricsDir ?? node.metricsDir;
  if (logFile === undefined && metricsDir === undefined) return undefined;
  const s: Keys & Settings = { logLevel: own.logLevel ?? top.logLevel ?? node.logLevel ?? 'info' };
  if (logFile !== undefined) s.logFile = logFile;
  if (metricsDir !== undefined) s.metricsDir = metricsDir;
  return s;
}
