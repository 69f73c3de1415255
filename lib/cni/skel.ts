// The dispatcher: environment and stdin in, one verb called, result or error out, exit code
// returned. It mirrors the reference skel's order of checks so that every error a runtime can
// see has the same code and message, and improves on it where the reference is weak (the
// "same netns" check runs before any work, not after).
import { statSync } from 'node:fs';
import { formatJSON, formatResult } from './print.ts';
import { CniError, Code, invalidEnv, toCniError } from './errors.ts';
import { readCmdEnv, splitPath, validateNetworkName, type CmdEnv, type Command } from './env.ts';
import { goField, goQuoteList } from './go.ts';
import { parseJsonAsGo } from './gosyntax.ts';
import type { AnyPlugin, Plugin, Request } from './plugin.ts';
import type { PluginIO } from './stdio.ts';
import { OFF } from '../obs/observer.ts';
import { startOperation, type Identity, type Operation } from '../obs/operation.ts';
import { settingsFor } from '../obs/settings.ts';
import { atLeast, CURRENT_VERSION, isSupported, parseVersion, SUPPORTED_VERSIONS, type SpecVersion } from './version.ts';

export const SUITE_VERSION = '0.1.0';

export const aboutText = (name: string): string =>
  `CNI ${name} plugin (cni-ts) v${SUITE_VERSION}\nCNI protocol versions supported: ${SUPPORTED_VERSIONS.join(', ')}\n`;

export const versionText = (): string =>
  `${JSON.stringify({ cniVersion: CURRENT_VERSION, supportedVersions: SUPPORTED_VERSIONS })}\n`;

function parseStdin(stdin: Buffer): unknown {
  try {
    return parseJsonAsGo(stdin);
  } catch (err) {
    throw new CniError(Code.DecodingFailure, `error unmarshall network config: ${(err as Error).message}`);
  }
}

/** The config's cniVersion, as the reference decodes it: empty or missing means 0.1.0. */
export function configVersion(raw: unknown): string {
  const v = goField(raw, 'cniVersion');
  if (v != null && typeof v !== 'string') {
    throw new CniError(Code.DecodingFailure, 'decoding version from network config: cniVersion must be a string');
  }
  return v || '0.1.0';
}

function checkNetworkName(raw: unknown): void {
  // JSON null decodes into an empty struct in Go: it is a config without a name, not a syntax error.
  if (raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new CniError(Code.DecodingFailure, 'error unmarshall network config: the network config must be a JSON object');
  }
  const name = goField(raw, 'name') ?? '';
  if (typeof name !== 'string') throw new CniError(Code.DecodingFailure, 'error unmarshall network config: name must be a string');
  const err = validateNetworkName(name);
  if (err) throw err;
}

function reconcile(version: string): SpecVersion {
  if (isSupported(version)) return version;
  throw new CniError(Code.IncompatibleVersion, 'incompatible CNI versions', `config is ${JSON.stringify(version)}, plugin supports ${goQuoteList(SUPPORTED_VERSIONS)}`);
}

// CHECK needs 0.4.0, GC and STATUS 1.1.0; the reference refuses older configs with code 1.
const MIN_VERSION: Partial<Record<Command, string>> = { CHECK: '0.4.0', GC: '1.1.0', STATUS: '1.1.0' };

function gate(command: Command, version: string): void {
  const min = MIN_VERSION[command];
  if (!min) return;
  try {
    parseVersion(version);
  } catch (err) {
    throw new CniError(Code.DecodingFailure, (err as Error).message);
  }
  if (!atLeast(version, min)) throw new CniError(Code.IncompatibleVersion, `config version does not allow ${command}`);
  if (!SUPPORTED_VERSIONS.some((v) => atLeast(v, version))) {
    throw new CniError(Code.IncompatibleVersion, `plugin version does not allow ${command}`);
  }
}

const sameInode = (a: string, b: string): boolean => {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
};

function checkNotOwnNetns(env: CmdEnv): void {
  const override = env.netnsOverride;
  if (override.toUpperCase() === 'TRUE' || override === '1') return;
  if (env.netns !== '' && sameInode(env.netns, '/proc/thread-self/ns/net')) {
    throw new CniError(Code.InvalidNetns, "plugin's netns and netns from CNI_NETNS should not be the same");
  }
}

/** The invocation's observer when logs or metrics are on. Who the operation is for is read when
 *  first needed, which is when the plugin first waits if it ever does. */
function observe(plugin: AnyPlugin, io: PluginIO, raw: unknown, startedAt: number): Operation | undefined {
  const settings = settingsFor(raw, plugin.settingsIn, io.env);
  if (!settings) return undefined;
  const who = (): Identity => {
    const name = goField(raw, 'name');
    return {
      plugin: plugin.name,
      command: io.env.CNI_COMMAND ?? '',
      network: typeof name === 'string' ? name : '',
      containerID: io.env.CNI_CONTAINERID ?? '',
      ifname: io.env.CNI_IFNAME ?? '',
      netns: io.env.CNI_NETNS ?? '',
    };
  };
  return startOperation(settings, who, io.env, startedAt);
}

/** The operation being run: its start, and its observer once the config is known. */
interface Run {
  readonly startedAt: number;
  obs?: Operation | undefined;
  /** Set once stdin was read: an error before that is observed by the node-wide settings alone. */
  raw?: unknown;
}

async function dispatch<C>(plugin: Plugin<C>, io: PluginIO, run: Run): Promise<string> {
  const env = readCmdEnv(io.env);
  const command = env.command as Command;
  if (command === 'VERSION') return versionText();
  const stdin = await io.readStdin();
  const raw = parseStdin(stdin);
  run.raw = raw;
  run.obs = observe(plugin, io, raw, run.startedAt);
  checkNetworkName(raw);
  if (!['ADD', 'DEL', 'CHECK', 'GC', 'STATUS'].includes(command)) {
    throw invalidEnv(`unknown CNI_COMMAND: ${command}`);
  }
  const version = configVersion(raw);
  gate(command, version);
  const specVersion = reconcile(version);
  if (command === 'ADD' || command === 'DEL') checkNotOwnNetns(env);

  const config = plugin.parseConfig(raw, env, command);
  const req: Request<C> = {
    command,
    containerID: env.containerID,
    netns: env.netns,
    ifname: env.ifname,
    args: env.args,
    cniPath: splitPath(env.path),
    stdin,
    environ: io.env,
    config,
    obs: run.obs ?? OFF,
  };
  switch (command) {
    case 'ADD':
      return formatResult(await plugin.add(req), specVersion);
    case 'DEL':
      await plugin.del?.(req);
      return '';
    case 'CHECK':
      await plugin.check?.(req);
      return '';
    case 'GC':
      await plugin.gc?.(req);
      return '';
    case 'STATUS':
      await plugin.status?.(req);
      return '';
  }
}

/** Runs one plugin invocation and returns the exit code; never throws. */
export async function runPlugin<C>(plugin: Plugin<C>, io: PluginIO): Promise<number> {
  const run: Run = { startedAt: performance.now() };
  try {
    const out = await dispatch(plugin, io, run);
    if (out) io.writeStdout(out);
    await run.obs?.finish(undefined);
    return 0;
  } catch (thrown) {
    const err = toCniError(thrown);
    if (err.code === Code.InvalidEnvironment && !io.env.CNI_COMMAND) {
      io.writeStderr(aboutText(plugin.name));
      return 0;
    }
    io.writeStdout(formatJSON(err.toJSON(), false));
    // An operation refused before its config was read is still one the node-wide log records.
    if (!('raw' in run)) run.obs = observe(plugin, io, undefined, run.startedAt);
    await run.obs?.finish(err);
    return 1;
  }
}
