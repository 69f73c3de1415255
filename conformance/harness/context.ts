// What a scenario works with: the bin dir and spec versions under test, its own namespaces and
// temporary directory (all removed afterwards, whatever happened), plugin execution as a runtime
// does it, and readers of the kernel state of its namespaces.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpecVersion } from '../../lib/cni/version.ts';
import { createNetns, deleteNetns, netnsPath } from './netns.ts';
import { run, tool, type Outcome } from './proc.ts';

export interface Invocation {
  readonly command: string;
  /** Defaults to "dummy"; null leaves CNI_CONTAINERID unset. */
  readonly containerId?: string | null;
  /** Defaults to no CNI_NETNS. */
  readonly netns?: string | null;
  /** Defaults to "eth0"; null leaves CNI_IFNAME unset. */
  readonly ifname?: string | null;
  readonly args?: string;
  /** Defaults to the bin dir under test; null leaves CNI_PATH unset. */
  readonly path?: string | null;
  readonly stdin?: string | object;
  /** Run on the real host instead of the scenario's host namespace (protocol-only scenarios). */
  readonly onHost?: boolean;
}

export interface CniErrorJSON {
  readonly code: number;
  readonly msg: string;
  readonly details?: string;
}

export class Ctx {
  readonly cniPath: string;
  /** The versions of the scenario that the bin dir supports, in order; `version` is the highest. */
  readonly versions: readonly SpecVersion[];
  readonly version: SpecVersion;
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private host: string | undefined;

  constructor(cniPath: string, versions: readonly SpecVersion[]) {
    this.cniPath = cniPath;
    this.versions = versions;
    this.version = versions.at(-1)!;
  }

  /** Registers an undo step; they run in reverse order when the scenario ends. */
  defer(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  async cleanup(): Promise<string[]> {
    const errors: string[] = [];
    while (this.cleanups.length > 0) {
      try {
        await this.cleanups.pop()!();
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    return errors;
  }

  /** The scenario's "host": a namespace where bridges, veths, iptables and nft state live. */
  async hostNs(): Promise<string> {
    if (!this.host) {
      const name = await createNetns('cnic-host');
      this.defer(() => deleteNetns(name));
      this.host = name;
    }
    return this.host;
  }

  /** A fresh "container" namespace; returns its name and path. */
  async netns(prefix = 'cnic-ctr'): Promise<{ name: string; path: string }> {
    const name = await createNetns(prefix);
    this.defer(() => deleteNetns(name));
    return { name, path: netnsPath(name) };
  }

  tmpdir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'cnic-'));
    this.defer(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Execs a plugin from the bin dir as a runtime does, inside the host namespace by default. */
  async exec(plugin: string, inv: Invocation): Promise<Outcome> {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, CNI_COMMAND: inv.command };
    const set = (k: string, v: string | null | undefined, dflt?: string): void => {
      const value = v === undefined ? dflt : v;
      if (value !== null && value !== undefined) env[k] = value;
    };
    set('CNI_CONTAINERID', inv.containerId, 'dummy');
    set('CNI_NETNS', inv.netns);
    set('CNI_IFNAME', inv.ifname, 'eth0');
    set('CNI_ARGS', inv.args);
    set('CNI_PATH', inv.path, this.cniPath);
    const input = typeof inv.stdin === 'string' ? inv.stdin : inv.stdin === undefined ? '' : JSON.stringify(inv.stdin);
    const file = join(this.cniPath, plugin);
    if (inv.onHost) return run(file, [], { env, input });
    return run('ip', ['netns', 'exec', await this.hostNs(), file], { env, input });
  }

  /** A successful call's parsed result (or undefined for empty output); anything else fails the scenario. */
  ok(o: Outcome, what = 'plugin call'): Record<string, unknown> | undefined {
    if (o.code !== 0) throw new Error(`${what} failed (exit ${o.code}): ${o.stdout}${o.stderr ? ` [stderr: ${o.stderr.trim()}]` : ''}`);
    return o.stdout.trim() === '' ? undefined : (JSON.parse(o.stdout) as Record<string, unknown>);
  }

  /** A failed call's error; with `code`/`msg` given they must match (msg as a prefix or a RegExp). */
  fail(o: Outcome, code?: number, msg?: string | RegExp, what = 'plugin call'): CniErrorJSON {
    if (o.code === 0) throw new Error(`${what}: expected a failure, got success: ${o.stdout}`);
    let e: CniErrorJSON;
    try {
      e = JSON.parse(o.stdout) as CniErrorJSON;
    } catch {
      throw new Error(`${what}: the error on stdout is not JSON: ${JSON.stringify(o.stdout)} [stderr: ${o.stderr.trim()}]`);
    }
    if (code !== undefined && e.code !== code) throw new Error(`${what}: expected code ${code}, got ${e.code}: ${e.msg}${e.details ? ` (${e.details})` : ''}`);
    if (typeof msg === 'string' && !e.msg.startsWith(msg)) throw new Error(`${what}: expected a message starting ${JSON.stringify(msg)}, got ${JSON.stringify(e.msg)}`);
    if (msg instanceof RegExp && !msg.test(e.msg)) throw new Error(`${what}: expected a message matching ${msg}, got ${JSON.stringify(e.msg)}`);
    return e;
  }

  /** `ip -j` output in a namespace, parsed. */
  async ipJson<T = Record<string, unknown>[]>(ns: string, ...args: string[]): Promise<T> {
    const out = await tool('ip', ['-n', ns, '-j', ...args]);
    return (out.trim() === '' ? [] : JSON.parse(out)) as T;
  }

  /** A shell-less command in a namespace; its stdout. */
  sh(ns: string, file: string, ...args: string[]): Promise<string> {
    return tool('ip', ['netns', 'exec', ns, file, ...args]);
  }

  async sysctl(ns: string, key: string): Promise<string> {
    return (await this.sh(ns, 'cat', `/proc/sys/${key}`)).trim();
  }
}
