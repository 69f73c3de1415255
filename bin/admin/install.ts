// `cni-ts install` and `cni-ts uninstall`: put this executable, its native code, the plugin links
// and a conflist onto a node, and take exactly that away again. Each file is replaced atomically
// (install/files.ts) and only when it would change; files of other projects are refused without
// --force and always left alone by uninstall (install/ownership.ts says whose a file is).
import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { isSingleExecutable } from '../../lib/native/executable.ts';
import { addonDir } from '../../lib/native/load.ts';
import { PLUGINS } from '../plugins.ts';
import { bridgeName, dataDir, integerOption, networkName } from './install/checks.ts';
import { parsePodCidrs } from './install/cidr.ts';
import { CONFLIST_NAME, conflistText, shadowingFiles } from './install/conflist.ts';
import type { NetworkOptions } from './install/conflist.ts';
import { fsyncDir, installCopy, installSymlink, installText, removeStaleTemps } from './install/files.ts';
import type { Outcome } from './install/files.ts';
import { nodePodCidrs } from './install/node-cidrs.ts';
import { conflistOwner, EXECUTABLE, inspect, namedOwner, NATIVE_DIR, pluginOwner } from './install/ownership.ts';
import type { Owner } from './install/ownership.ts';

export interface InstallOptions {
  binDir: string;
  confDir: string;
  podCidr: string[];
  nodeName?: string;
  kubeconfig?: string;
  timeout: string;
  network: string;
  bridge: string;
  mtu?: string;
  portmap: boolean;
  cniVersion: '1.0.0' | '1.1.0';
  dataDir?: string;
  force?: boolean;
}

export interface UninstallOptions {
  binDir: string;
  confDir: string;
}

/** A refusal with the exit status it ends the command with: 2 for a bad command line. */
class Refused extends Error {
  readonly status: 1 | 2;
  constructor(message: string, status: 1 | 2) {
    super(message);
    this.status = status;
  }
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const report = (what: Outcome | 'removed' | 'left', path: string, why = ''): void => say(`${what.padEnd(9)} ${path}${why}`);

/** Runs a check of the command line: its error is a usage error (exit 2). */
function usage<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new Refused((err as Error).message, 2);
  }
}

async function podCidrsOf(o: InstallOptions, log: (line: string) => void): Promise<string[]> {
  if (o.podCidr.length > 0 && o.nodeName !== undefined) throw new Refused('give either --pod-cidr or --node-name, not both', 2);
  if (o.podCidr.length > 0) return o.podCidr;
  if (o.nodeName === undefined) throw new Refused('no pod CIDR: give --pod-cidr CIDR (repeatable, IPv4 and IPv6) or --node-name NAME to read them from the Node', 2);
  const timeoutMs = usage(() => integerOption(o.timeout, '--timeout', 0, 86_400)) * 1000;
  return nodePodCidrs({ nodeName: o.nodeName, kubeconfig: o.kubeconfig, timeoutMs, pollMs: 1000, log });
}

async function networkOf(o: InstallOptions): Promise<NetworkOptions> {
  const checked = usage(() => ({
    network: networkName(o.network),
    bridge: bridgeName(o.bridge),
    mtu: o.mtu === undefined ? undefined : integerOption(o.mtu, '--mtu', 68, 65535),
    dataDir: o.dataDir === undefined ? undefined : dataDir(o.dataDir),
    portmap: o.portmap,
    cniVersion: o.cniVersion,
  }));
  const texts = await podCidrsOf(o, (line) => say(line));
  // A bad CIDR given on the command line is a usage error; one read from the Node is not.
  const podCidrs = o.podCidr.length > 0 ? usage(() => parsePodCidrs(texts)) : parsePodCidrs(texts);
  return { ...checked, podCidrs };
}

/** The running single executable: install copies itself, so what it installs is what runs. */
function runningExecutable(): string {
  if (!isSingleExecutable()) throw new Refused('install copies the running executable: run the built dist/bin/cni-ts, not the sources', 2);
  return realpathSync(process.execPath);
}

interface Step {
  readonly path: string;
  readonly owner: Owner;
  readonly apply: () => Outcome;
}

const readIfExists = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

/** Every file install writes, in the order it writes them: the native code and the executable
 *  before the links that reach them, the conflist (which makes runtimes use them) last. */
function installSteps(o: InstallOptions, network: NetworkOptions): Step[] {
  const executable = runningExecutable();
  const sourceNative = addonDir();
  const natives = readdirSync(sourceNative, { withFileTypes: true }).filter((e) => e.isFile());
  const exePath = join(o.binDir, EXECUTABLE);
  const confPath = join(o.confDir, CONFLIST_NAME);
  return [
    ...natives.map((e) => {
      const path = join(o.binDir, NATIVE_DIR, e.name);
      return { path, owner: namedOwner(inspect(path)), apply: () => installCopy(path, join(sourceNative, e.name), 0o644) };
    }),
    { path: exePath, owner: namedOwner(inspect(exePath)), apply: () => installCopy(exePath, executable, 0o755) },
    ...Object.keys(PLUGINS).map((name) => {
      const path = join(o.binDir, name);
      return { path, owner: pluginOwner(o.binDir, inspect(path)), apply: () => installSymlink(path, EXECUTABLE) };
    }),
    { path: confPath, owner: conflistOwner(readIfExists(confPath)), apply: () => installText(confPath, conflistText(network), 0o644) },
  ];
}

/** Removes what an install killed mid-way left behind, and says so. */
function cleanInterrupted(...dirs: string[]): void {
  for (const path of dirs.flatMap(removeStaleTemps)) report('removed', path, ' (left by an interrupted install)');
}

/** A directory for our files, created 0755 when missing; the native code's directory must not be
 *  writable by others, or the plugins refuse to load from it. */
function ensureDir(dir: string, strict: boolean): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (strict && (lstatSync(dir).mode & 0o022) !== 0) chmodSync(dir, 0o755);
}

async function runInstall(o: InstallOptions): Promise<void> {
  const network = await networkOf(o);
  const steps = installSteps(o, network);
  const foreign = steps.filter((s) => s.owner === 'foreign').map((s) => s.path);
  if (foreign.length > 0 && !o.force) {
    throw new Refused(`refusing to replace files that another project installed: ${foreign.join(', ')} (--force replaces them)`, 1);
  }
  ensureDir(o.binDir, false);
  ensureDir(join(o.binDir, NATIVE_DIR), true);
  ensureDir(o.confDir, false);
  cleanInterrupted(join(o.binDir, NATIVE_DIR), o.binDir, o.confDir);
  for (const step of steps) report(step.apply(), step.path, step.owner === 'foreign' ? " (was another project's file: --force)" : '');
  for (const dir of [join(o.binDir, NATIVE_DIR), o.binDir, o.confDir]) fsyncDir(dir);
  for (const name of shadowingFiles(readdirSync(o.confDir))) {
    process.stderr.write(`cni-ts install: warning: ${join(o.confDir, name)} sorts before ${CONFLIST_NAME}: containerd loads only the first file of the conf dir, so it would use that one\n`);
  }
}

/** Removes what install wrote and is still ours: the conflist first (so runtimes stop using the
 *  plugins), then the links, the executable and its native code. */
function runUninstall(o: UninstallOptions): void {
  cleanInterrupted(join(o.binDir, NATIVE_DIR), o.binDir, o.confDir);
  const removeIf = (path: string, owner: Owner): void => {
    if (owner === 'absent') return;
    if (owner === 'foreign') return report('left', path, ' (not ours)');
    rmSync(path);
    report('removed', path);
  };
  const confPath = join(o.confDir, CONFLIST_NAME);
  removeIf(confPath, conflistOwner(readIfExists(confPath)));
  for (const name of Object.keys(PLUGINS)) removeIf(join(o.binDir, name), pluginOwner(o.binDir, inspect(join(o.binDir, name))));
  removeIf(join(o.binDir, EXECUTABLE), namedOwner(inspect(join(o.binDir, EXECUTABLE))));
  const nativeDir = join(o.binDir, NATIVE_DIR);
  if (inspect(nativeDir).kind === 'dir') {
    for (const name of readdirSync(nativeDir)) removeIf(join(nativeDir, name), namedOwner(inspect(join(nativeDir, name))));
    try {
      rmdirSync(nativeDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw err;
    }
  }
  for (const dir of [o.binDir, o.confDir]) if (inspect(dir).kind === 'dir') fsyncDir(dir);
}

async function exitStatus(command: string, run: () => Promise<void> | void): Promise<number> {
  try {
    await run();
    return 0;
  } catch (err) {
    process.stderr.write(`cni-ts ${command}: ${(err as Error).message}\n`);
    return err instanceof Refused ? err.status : 1;
  }
}

export const install = (o: InstallOptions): Promise<number> => exitStatus('install', () => runInstall(o));

export const uninstall = (o: UninstallOptions): Promise<number> => exitStatus('uninstall', () => runUninstall(o));
