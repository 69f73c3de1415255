// Network configuration files as libcni loads them (libcni/conf.go): `.conflist` files first, in
// lexical order, then single-plugin `.conf`/`.json` files, which are up-converted to a one-plugin
// list. Plugin configs are kept as bytes: libcni re-marshals them, it never re-creates them.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { goField } from './go.ts';
import { CURRENT_VERSION, compareVersions } from './version.ts';
import { goMarshal } from './gojson.ts';

export interface PluginConfig {
  /** The plugin's config as libcni sends it before injection (Go-marshalled, keys sorted). */
  readonly raw: Record<string, unknown>;
  readonly type: string;
  /** The plugin config's own `name`, used only to describe the plugin in errors. */
  readonly name: string;
  readonly capabilities: Readonly<Record<string, boolean>>;
}

export interface NetworkConfigList {
  readonly name: string;
  readonly cniVersion: string;
  readonly disableCheck: boolean;
  readonly disableGC: boolean;
  readonly loadOnlyInlinedPlugins: boolean;
  readonly plugins: readonly PluginConfig[];
  /** The list's bytes: what libcni caches as `config`. */
  readonly bytes: Buffer;
}

const typeName = (v: unknown): string =>
  v === null ? '<nil>' : Array.isArray(v) ? '[]interface {}' : typeof v === 'object' ? 'map[string]interface {}' : typeof v === 'number' ? 'float64' : typeof v === 'boolean' ? 'bool' : typeof v;

function parseJSON(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** One plugin's config (NetworkPluginConfFromBytes): it must be an object with a `type`. */
export function pluginConfFromBytes(bytes: Buffer): PluginConfig {
  const raw = parseJSON(bytes, 'error parsing configuration');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`error parsing configuration: json: cannot unmarshal ${typeName(raw)} into Go value of type types.PluginConf`);
  }
  const str = (key: string): string => {
    const v = goField(raw, key);
    if (v != null && typeof v !== 'string') {
      throw new Error(`error parsing configuration: json: cannot unmarshal ${typeName(v)} into Go struct field PluginConf.${key} of type string`);
    }
    return v ?? '';
  };
  const type = str('type');
  const name = str('name');
  if (type === '') throw new Error("error parsing configuration: missing 'type'");
  const caps = goField(raw, 'capabilities');
  const capabilities: Record<string, boolean> = {};
  if (typeof caps === 'object' && caps !== null && !Array.isArray(caps)) {
    for (const [k, v] of Object.entries(caps)) if (typeof v === 'boolean') capabilities[k] = v;
  }
  return { raw: raw as Record<string, unknown>, type, name, capabilities };
}

/** libcni's readBool for list-level flags: a JSON bool, or the strings "true"/"false" in any case. */
function readBool(list: Record<string, unknown>, key: string): boolean {
  if (!Object.hasOwn(list, key)) return false;
  const v = list[key];
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') throw new Error(`error parsing configuration list: invalid type ${typeName(v)} for ${key}`);
  const s = v.toLowerCase();
  if (s === 'true' || s === 'false') return s === 'true';
  throw new Error(`error parsing configuration list: invalid value ${JSON.stringify(s)} for ${key}`);
}

/** The highest of `cniVersions` (and `cniVersion`) that this runtime implements, as libcni picks it. */
function pickVersion(list: Record<string, unknown>, cniVersion: string): string {
  if (!Object.hasOwn(list, 'cniVersions')) return cniVersion;
  const raw = list.cniVersions;
  if (!Array.isArray(raw)) throw new Error(`error parsing configuration list: invalid type for cniVersions: ${typeName(raw)}`);
  const candidates: string[] = [];
  raw.forEach((v, i) => {
    if (typeof v !== 'string') throw new Error(`error parsing configuration list: invalid type for cniVersions index ${i}: ${typeName(v)}`);
    if (compareVersions(v, CURRENT_VERSION) <= 0) candidates.push(v);
  });
  if (cniVersion !== '' && compareVersions(cniVersion, CURRENT_VERSION) <= 0) candidates.push(cniVersion);
  candidates.sort(compareVersions);
  return candidates.at(-1) ?? cniVersion;
}

/** A network configuration list from its bytes (NetworkConfFromBytes). */
export function confListFromBytes(bytes: Buffer): NetworkConfigList {
  const list = parseJSON(bytes, 'error parsing configuration list');
  if (typeof list !== 'object' || list === null || Array.isArray(list)) {
    throw new Error(`error parsing configuration list: json: cannot unmarshal ${typeName(list)} into Go value of type map[string]interface {}`);
  }
  const obj = list as Record<string, unknown>;
  if (!Object.hasOwn(obj, 'name')) throw new Error('error parsing configuration list: no name');
  if (typeof obj.name !== 'string') throw new Error(`error parsing configuration list: invalid name type ${typeName(obj.name)}`);
  let cniVersion = '';
  if (Object.hasOwn(obj, 'cniVersion')) {
    if (typeof obj.cniVersion !== 'string') throw new Error(`error parsing configuration list: invalid cniVersion type ${typeName(obj.cniVersion)}`);
    cniVersion = obj.cniVersion;
  }
  cniVersion = pickVersion(obj, cniVersion);
  const base = {
    name: obj.name,
    cniVersion,
    disableCheck: readBool(obj, 'disableCheck'),
    disableGC: readBool(obj, 'disableGC'),
    loadOnlyInlinedPlugins: readBool(obj, 'loadOnlyInlinedPlugins'),
    bytes,
  };
  if (!Object.hasOwn(obj, 'plugins')) {
    if (base.loadOnlyInlinedPlugins) throw new Error("error parsing configuration list: `loadOnlyInlinedPlugins` is true, and no 'plugins' key");
    return { ...base, plugins: [] };
  }
  if (!Array.isArray(obj.plugins)) throw new Error(`error parsing configuration list: invalid 'plugins' type ${typeName(obj.plugins)}`);
  if (obj.plugins.length === 0) throw new Error('error parsing configuration list: no plugins in list');
  const plugins = obj.plugins.map((p, i) => {
    try {
      return pluginConfFromBytes(Buffer.from(goMarshal(p)));
    } catch (err) {
      throw new Error(`failed to parse plugin config ${i}: ${(err as Error).message}`, { cause: err });
    }
  });
  return { ...base, plugins };
}

/** Regular files of `dir` with one of `extensions`; a missing directory has none. */
export function confFiles(dir: string, extensions: readonly string[]): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => !e.isDirectory() && extensions.includes(extname(e.name))).map((e) => join(dir, e.name)).sort();
}

function readConf(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`error reading ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** A `.conflist` file, plus `<dir>/<name>/*.conf` plugin files unless only inlined plugins are wanted. */
export function confListFromFile(file: string): NetworkConfigList {
  const list = confListFromBytes(readConf(file));
  let plugins = list.plugins;
  if (!list.loadOnlyInlinedPlugins) {
    const dir = join(file, '..', list.name);
    plugins = [...plugins, ...confFiles(dir, ['.conf']).map((f) => pluginConfFromBytes(readConf(f)))];
  }
  if (plugins.length === 0) throw new Error('no plugin configs found');
  return { ...list, plugins };
}

/** A single-plugin config as a one-plugin list (ConfListFromConf). */
export function confListFromConf(conf: PluginConfig): NetworkConfigList {
  const version = goField(conf.raw, 'cniVersion');
  return confListFromBytes(Buffer.from(goMarshal({ name: conf.name, cniVersion: typeof version === 'string' ? version : '', plugins: [conf.raw] })));
}

export const noConfigsFound = (dir: string): Error => new Error(`no net configurations found in ${dir}`);
export const notFound = (dir: string, name: string): Error => new Error(`no net configuration with name "${name}" in ${dir}`);

/** The network named `name` in `dir` (LoadNetworkConf). */
export function loadNetworkConf(dir: string, name: string): NetworkConfigList {
  const lists = confFiles(dir, ['.conflist']);
  for (const file of lists) {
    const list = confListFromFile(file);
    if (list.name === name) return list;
  }
  const singles = confFiles(dir, ['.conf', '.json']);
  if (singles.length === 0) throw lists.length > 0 ? notFound(dir, name) : noConfigsFound(dir);
  for (const file of singles) {
    const conf = pluginConfFromBytes(readConf(file));
    if (conf.name === name) return confListFromConf(conf);
  }
  throw notFound(dir, name);
}

/** A network the conf dir holds, or why a file of it could not be loaded. */
export type LoadedConf = { readonly file: string; readonly list: NetworkConfigList } | { readonly file: string; readonly error: Error };

/**
 * Every network of `dir` as libcni would load it by name: `.conflist` files first, then `.conf`
 * and `.json` ones, each in lexical order; a later file with a name already seen is shadowed and
 * left out, as LoadNetworkConf would never reach it.
 */
export function loadNetworkConfs(dir: string): LoadedConf[] {
  const seen = new Set<string>();
  const out: LoadedConf[] = [];
  const load = (file: string, read: (f: string) => NetworkConfigList): void => {
    let list: NetworkConfigList;
    try {
      list = read(file);
    } catch (err) {
      out.push({ file, error: err as Error });
      return;
    }
    if (seen.has(list.name)) return;
    seen.add(list.name);
    out.push({ file, list });
  };
  for (const file of confFiles(dir, ['.conflist'])) load(file, confListFromFile);
  for (const file of confFiles(dir, ['.conf', '.json'])) load(file, (f) => confListFromConf(pluginConfFromBytes(readConf(f))));
  return out;
}
