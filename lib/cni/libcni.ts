// The runtime side of the protocol, as libcni does it (libcni/api.go): run a network list's
// plugins in order for ADD (each gets the previous result), in reverse for DEL, with the cached
// ADD result as prevResult for DEL and CHECK, GC of stale cached attachments, STATUS.
import { attachmentOf, type AttachmentRef } from './attachment.ts';
import { resultFromWire, resultToWire } from './convert.ts';
import { execPlugin, findInPath } from './delegate.ts';
import { validateContainerId, validateIfname } from './env.ts';
import { CniError, Code, combineErrors } from './errors.ts';
import type { Result } from './result.ts';
import { atLeast, isSupported, resultFormatOf, type SpecVersion } from './version.ts';
import { cachedAttachments, deleteCache, readCache, writeCache, type CachedAttachment, type CniArgs } from './cache.ts';
import { goMarshal, inOrder } from './gojson.ts';
import type { NetworkConfigList, PluginConfig } from './netconf.ts';

export interface RuntimeConf extends AttachmentRef {
  readonly netns: string;
  readonly args?: CniArgs;
  readonly capabilityArgs?: Readonly<Record<string, unknown>>;
}

/** Runs one plugin binary: stdin and environment in, stdout out; throws the plugin's error. */
export type PluginExec = (path: string, stdin: Buffer, env: NodeJS.ProcessEnv) => Promise<Buffer>;

export interface CniConfig {
  readonly path: readonly string[];
  readonly cacheDir: string;
  readonly exec?: PluginExec;
  /** Where the plugins' stderr goes (libcni copies it to its own stderr). */
  readonly stderr?: (b: Buffer) => void;
}

/** A result as a plugin returned it: the current type plus the version it was written in. */
export interface VersionedResult {
  readonly result: Result;
  readonly version: SpecVersion;
}

/** types.Error's Error(): the message, then "; details" when there are details. */
export const errorText = (err: unknown): string =>
  err instanceof CniError ? (err.details ? `${err.message}; ${err.details}` : err.message) : err instanceof Error ? err.message : String(err);

const wrap = (prefix: string, err: unknown): Error => new Error(`${prefix}${errorText(err)}`, { cause: err });

const describe = (p: PluginConfig): string => `type=${JSON.stringify(p.type)}${p.name ? ` name=${JSON.stringify(p.name)}` : ''}`;

const defaultExec = (cfg: CniConfig): PluginExec => (path, stdin, env) => execPlugin(path, stdin, env, cfg.stderr ?? ((b) => process.stderr.write(b)));

/** CNI_* variables on top of this process's environment (invoke.Args.AsEnv). */
function pluginEnv(cfg: CniConfig, command: string, rt: RuntimeConf | undefined): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CNI_COMMAND: command,
    CNI_CONTAINERID: rt?.containerID ?? '',
    CNI_NETNS: rt?.netns ?? '',
    CNI_ARGS: (rt?.args ?? []).map(([k, v]) => `${k}=${v}`).join(';'),
    CNI_IFNAME: rt?.ifname ?? '',
    CNI_PATH: cfg.path.join(':'),
  };
}

/** A result in its own version's wire form, ready to be injected as prevResult. */
function wireOf(r: VersionedResult): object {
  const wire = resultToWire(r.result, r.version);
  // 0.x results are Go structs (printed in field order); 1.x ones marshal through a sorted map.
  return resultFormatOf(r.version) === '100' ? wire : inOrder(wire, true);
}

/** The plugin's stdin: its config with name, cniVersion, prevResult and runtimeConfig injected (buildOneConfig). */
export function buildOneConfig(list: NetworkConfigList, plugin: PluginConfig, prev: VersionedResult | undefined, rt: RuntimeConf | undefined): Buffer {
  const conf: Record<string, unknown> = { ...plugin.raw, name: list.name, cniVersion: list.cniVersion };
  if (prev) conf.prevResult = wireOf(prev);
  if (rt) {
    const rc: Record<string, unknown> = {};
    for (const [cap, on] of Object.entries(plugin.capabilities)) {
      if (on && rt.capabilityArgs && Object.hasOwn(rt.capabilityArgs, cap)) rc[cap] = rt.capabilityArgs[cap];
    }
    if (Object.keys(rc).length > 0) conf.runtimeConfig = rc;
  }
  return Buffer.from(goMarshal(conf));
}

/** A plugin's ADD output read as libcni does: its own cniVersion, else the config's. */
export function parseAddOutput(stdout: Buffer, confVersion: string): VersionedResult {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout.toString('utf8'));
  } catch (err) {
    throw new CniError(Code.DecodingFailure, `failed to unmarshal raw result: ${(err as Error).message}`);
  }
  const own = typeof raw === 'object' && raw !== null && typeof (raw as { cniVersion?: unknown }).cniVersion === 'string' ? (raw as { cniVersion: string }).cniVersion : '';
  const version = own || confVersion || '0.1.0';
  const result = resultFromWire(raw, confVersion);
  if (!isSupported(version)) throw new CniError(Code.DecodingFailure, `unsupported CNI result version ${JSON.stringify(version)}`);
  return { result, version };
}

async function run(cfg: CniConfig, plugin: PluginConfig, stdin: Buffer, env: NodeJS.ProcessEnv): Promise<Buffer> {
  const path = findInPath(plugin.type, cfg.path);
  return (cfg.exec ?? defaultExec(cfg))(path, stdin, env);
}

/** Converts a cached result (any version) to the list's version, as libcni hands it to DEL and CHECK. */
function cachedResult(cfg: CniConfig, list: NetworkConfigList, rt: RuntimeConf): VersionedResult | undefined {
  const c = readCache(cfg.cacheDir, attachmentOf(list.name, rt));
  if (c.kind === 'none') return undefined;
  const raw = c.kind === 'v1' ? c.entry.result : c.raw;
  if (c.kind === 'v1' && raw === undefined) return undefined;
  const result = resultFromWire(raw, '');
  const version = list.cniVersion || '0.1.0';
  if (!isSupported(version)) throw new Error(`failed to convert cached result to config version ${JSON.stringify(version)}: unsupported CNI result version ${JSON.stringify(version)}`);
  try {
    resultToWire(result, version);
  } catch (err) {
    throw new Error(`failed to convert cached result to config version ${JSON.stringify(version)}: ${errorText(err)}`, { cause: err });
  }
  return { result, version };
}

function validateAttachment(list: NetworkConfigList, rt: RuntimeConf): void {
  const err = validateContainerId(rt.containerID) ?? networkNameError(list.name) ?? validateIfname(rt.ifname);
  if (err) throw err;
}

// libcni's own wording differs from skel's by a trailing colon for a missing name.
function networkNameError(name: string): CniError | undefined {
  if (name === '') return new CniError(Code.InvalidNetworkConfig, 'missing network name:');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) return new CniError(Code.InvalidNetworkConfig, 'invalid characters found in network name', name);
  return undefined;
}

/** ADD through the whole list; the final result is cached and returned. */
export async function addNetworkList(cfg: CniConfig, list: NetworkConfigList, rt: RuntimeConf): Promise<VersionedResult | undefined> {
  let prev: VersionedResult | undefined;
  for (const plugin of list.plugins) {
    try {
      const path = findInPath(plugin.type, cfg.path);
      validateAttachment(list, rt);
      const stdin = buildOneConfig(list, plugin, prev, rt);
      const out = await (cfg.exec ?? defaultExec(cfg))(path, stdin, pluginEnv(cfg, 'ADD', rt));
      prev = parseAddOutput(out, list.cniVersion);
    } catch (err) {
      throw wrap(`plugin ${describe(plugin)} failed (add): `, err);
    }
  }
  try {
    writeCache(cfg.cacheDir, {
      ...attachmentOf(list.name, rt),
      config: list.bytes,
      netns: rt.netns,
      cniArgs: rt.args,
      capabilityArgs: rt.capabilityArgs,
      result: prev ? (JSON.parse(goMarshal(wireOf(prev))) as Record<string, unknown>) : undefined,
    });
  } catch (err) {
    throw wrap(`failed to set network ${JSON.stringify(list.name)} cached result: `, err);
  }
  return prev;
}

const versionAtLeast = (v: string, min: string): boolean => atLeast(v || '0.1.0', min);

/** CHECK through the list in order, each plugin given the cached result. */
export async function checkNetworkList(cfg: CniConfig, list: NetworkConfigList, rt: RuntimeConf): Promise<void> {
  if (!versionAtLeast(list.cniVersion, '0.4.0')) {
    throw new Error(`configuration version ${JSON.stringify(list.cniVersion)} does not support the CHECK command`);
  }
  if (list.disableCheck) return;
  let prev: VersionedResult | undefined;
  try {
    prev = cachedResult(cfg, list, rt);
  } catch (err) {
    throw wrap(`failed to get network ${JSON.stringify(list.name)} cached result: `, err);
  }
  for (const plugin of list.plugins) {
    await run(cfg, plugin, buildOneConfig(list, plugin, prev, rt), pluginEnv(cfg, 'CHECK', rt));
  }
}

/** DEL through the list in reverse order; the cache entry goes only when every plugin succeeded. */
export async function delNetworkList(cfg: CniConfig, list: NetworkConfigList, rt: RuntimeConf): Promise<void> {
  let prev: VersionedResult | undefined;
  if (versionAtLeast(list.cniVersion, '0.4.0')) {
    try {
      prev = cachedResult(cfg, list, rt);
    } catch {
      // an unreadable cache is removed and the DEL goes on without a prevResult
      deleteCache(cfg.cacheDir, attachmentOf(list.name, rt));
    }
  }
  for (const plugin of [...list.plugins].reverse()) {
    try {
      await run(cfg, plugin, buildOneConfig(list, plugin, prev, rt), pluginEnv(cfg, 'DEL', rt));
    } catch (err) {
      throw wrap(`plugin ${describe(plugin)} failed (delete): `, err);
    }
  }
  if (rt.containerID !== '' && rt.ifname !== '') deleteCache(cfg.cacheDir, attachmentOf(list.name, rt));
}

/**
 * GC: DEL every cached attachment of this network that is not valid (`valid` undefined means none
 * is), then, for 1.1.0+, GC on each plugin with the valid attachments. Errors are collected
 * and thrown together at the end.
 */
export async function gcNetworkList(cfg: CniConfig, list: NetworkConfigList, valid?: readonly AttachmentRef[]): Promise<void> {
  if (list.disableGC) return;
  const errors: Error[] = [];
  const keep = new Set((valid ?? []).map((a) => `${a.containerID}\n${a.ifname}`));
  for (const a of cachedAttachments(cfg.cacheDir)) {
    if (a.network !== list.name || keep.has(`${a.containerID}\n${a.ifname}`)) continue;
    try {
      await delCachedAttachment(cfg, list, a);
    } catch (err) {
      errors.push(err as Error);
    }
  }
  errors.push(...(await gcPlugins(cfg, list, valid)));
  if (errors.length > 0) throw combineErrors(errors);
}

/** DEL of a cached attachment with what its cache entry recorded (netns, CNI_ARGS, capabilities). */
export async function delCachedAttachment(cfg: CniConfig, list: NetworkConfigList, a: CachedAttachment): Promise<void> {
  const rt: RuntimeConf = { containerID: a.containerID, netns: a.netns, ifname: a.ifname, args: a.cniArgs, capabilityArgs: a.capabilityArgs };
  try {
    await delNetworkList(cfg, list, rt);
  } catch (err) {
    throw wrap(`failed to delete stale attachment ${a.containerID} ${a.ifname}: `, err);
  }
}

/** Whether libcni sends the list's plugins GC: from cniVersion 1.1.0, unless disableGC. */
export const hasGC = (list: NetworkConfigList): boolean => !list.disableGC && versionAtLeast(list.cniVersion, '1.1.0');

/** The GC verb on each plugin of a 1.1.0+ list (none below), with the valid attachments; returns the failures. */
export async function gcPlugins(cfg: CniConfig, list: NetworkConfigList, valid?: readonly AttachmentRef[]): Promise<Error[]> {
  if (!hasGC(list)) return [];
  const errors: Error[] = [];
  for (const plugin of list.plugins) {
    const conf: Record<string, unknown> = { ...plugin.raw, name: list.name, cniVersion: list.cniVersion };
    if (valid) {
      const attachments = valid.map((a) => inOrder({ containerID: a.containerID, ifname: a.ifname }));
      conf['cni.dev/valid-attachments'] = attachments;
      conf['cni.dev/attachments'] = attachments; // the name the spec first used (cni#1101)
    }
    try {
      await run(cfg, plugin, Buffer.from(goMarshal(conf)), pluginEnv(cfg, 'GC', undefined));
    } catch (err) {
      errors.push(wrap(`failed to GC plugin ${plugin.type}: `, err));
    }
  }
  return errors;
}

/** Whether the list's plugins have a STATUS verb: from cniVersion 1.1.0. */
export const hasStatus = (list: NetworkConfigList): boolean => versionAtLeast(list.cniVersion, '1.1.0');

/** STATUS on one plugin of the list; throws its error. */
export async function statusPlugin(cfg: CniConfig, list: NetworkConfigList, plugin: PluginConfig): Promise<void> {
  const conf = { ...plugin.raw, name: list.name, cniVersion: list.cniVersion };
  await run(cfg, plugin, Buffer.from(goMarshal(conf)), pluginEnv(cfg, 'STATUS', undefined));
}

/** STATUS on each plugin in order, stopping at the first failure; a no-op below 1.1.0. */
export async function statusNetworkList(cfg: CniConfig, list: NetworkConfigList): Promise<void> {
  if (!hasStatus(list)) return;
  for (const plugin of list.plugins) await statusPlugin(cfg, list, plugin);
}
