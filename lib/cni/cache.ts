// libcni's result cache (kind "cniCacheV1"): <cacheDir>/results/<network>-<containerID>-<ifname>,
// directory 0700, file 0600, written after a successful ADD and removed after a successful DEL.
// Same JSON as libcni writes, so a Go runtime and this tool can each read the other's cache.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attachment } from './attachment.ts';
import { goMarshal, inOrder } from './gojson.ts';

export const CACHE_KIND = 'cniCacheV1';
export const DEFAULT_CACHE_DIR = '/var/lib/cni';

export type CniArgs = readonly (readonly [string, string])[];

/** What libcni keeps about an attachment besides its result, to DEL it when GC finds it stale. */
export interface CachedAttachment extends Attachment {
  /** The network list's bytes at ADD time. */
  readonly config: Buffer;
  readonly netns: string;
  readonly cniArgs?: CniArgs;
  readonly capabilityArgs?: Readonly<Record<string, unknown>>;
}

export interface CacheEntry extends CachedAttachment {
  /** The final ADD result as JSON (its own cniVersion inside). */
  readonly result?: Readonly<Record<string, unknown>>;
}

export function cacheFile(cacheDir: string, { network, containerID, ifname }: Attachment): string {
  if (network === '' || containerID === '' || ifname === '') {
    throw new Error(`cache file path requires network name (${JSON.stringify(network)}), container ID (${JSON.stringify(containerID)}), and interface name (${JSON.stringify(ifname)})`);
  }
  return join(cacheDir, 'results', `${network}-${containerID}-${ifname}`);
}

/** The file's bytes, as Go marshals the cachedInfo struct (struct order; maps inside sorted). */
export function encodeCacheEntry(e: CacheEntry): string {
  const nonEmpty = <T>(v: T | undefined, empty: (v: T) => boolean): T | undefined => (v === undefined || empty(v) ? undefined : v);
  return goMarshal(
    inOrder({
      kind: CACHE_KIND,
      containerId: e.containerID,
      config: e.config,
      ifName: e.ifname,
      networkName: e.network,
      netns: nonEmpty(e.netns, (s) => s === ''),
      cniArgs: nonEmpty(e.cniArgs?.map((p) => [...p]), (a) => a.length === 0),
      capabilityArgs: nonEmpty(e.capabilityArgs, (m) => Object.keys(m).length === 0),
      result: nonEmpty(e.result, (m) => Object.keys(m).length === 0),
    }),
  );
}

export function writeCache(cacheDir: string, e: CacheEntry): void {
  const file = cacheFile(cacheDir, e);
  mkdirSync(join(cacheDir, 'results'), { recursive: true, mode: 0o700 });
  writeFileSync(file, encodeCacheEntry(e), { mode: 0o600 });
}

export function deleteCache(cacheDir: string, a: Attachment): void {
  try {
    rmSync(cacheFile(cacheDir, a), { force: true });
  } catch {
    // libcni ignores a failed removal
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A cache file's JSON as a cniCacheV1 entry, or undefined when it is of another kind (or not an object). */
export function decodeCacheEntry(raw: unknown): CacheEntry | undefined {
  if (!isMap(raw) || raw.kind !== CACHE_KIND) return undefined;
  const s = (v: unknown): string => (typeof v === 'string' ? v : '');
  const args = Array.isArray(raw.cniArgs) ? raw.cniArgs.map((p) => [s((p as unknown[])[0]), s((p as unknown[])[1])] as const) : undefined;
  return {
    containerID: s(raw.containerId),
    network: s(raw.networkName),
    ifname: s(raw.ifName),
    config: Buffer.from(s(raw.config), 'base64'),
    netns: s(raw.netns),
    cniArgs: args,
    capabilityArgs: isMap(raw.capabilityArgs) ? raw.capabilityArgs : undefined,
    result: isMap(raw.result) ? raw.result : undefined,
  };
}

export type CacheRead = { readonly kind: 'none' } | { readonly kind: 'v1'; readonly entry: CacheEntry } | { readonly kind: 'legacy'; readonly raw: unknown };

/** What the cache holds for an attachment: nothing, a cniCacheV1 entry, or a legacy bare result. */
export function readCache(cacheDir: string, a: Attachment): CacheRead {
  let text: string;
  try {
    text = readFileSync(cacheFile(cacheDir, a), 'utf8');
  } catch {
    return { kind: 'none' }; // libcni ignores read errors: there may be no cache
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'legacy', raw: text };
  }
  const entry = decodeCacheEntry(raw);
  return entry ? { kind: 'v1', entry } : { kind: 'legacy', raw };
}

/** A cache file as listed: its entry and when it was last written. */
export interface ListedAttachment extends CacheEntry {
  readonly mtimeMs: number;
}

/** Every readable cniCacheV1 attachment, in file-name order (GetCachedAttachments with no filter). */
export function cachedAttachments(cacheDir: string): ListedAttachment[] {
  const dir = join(cacheDir, 'results');
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.flatMap((name) => {
    try {
      const file = join(dir, name);
      const { mtimeMs } = statSync(file);
      const e = decodeCacheEntry(JSON.parse(readFileSync(file, 'utf8')));
      return e && e.ifname !== '' && e.network !== '' ? [{ ...e, mtimeMs }] : [];
    } catch {
      return [];
    }
  });
}
