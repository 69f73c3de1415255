// One round of the gc: ask the runtime which pod sandboxes exist, then, for each network of the
// conf dir, DEL the stale cached attachments (the whole chain, from the cache, as libcni's GC
// does) and run the plugins' GC verb with the attachments that remain valid. Everything it
// touches comes in through GcDeps, so the decisions are unit-tested with fakes.
import type { AttachmentRef } from '../../../lib/cni/attachment.ts';
import type { ListedAttachment } from '../../../lib/cni/cache.ts';
import { errorText } from '../../../lib/cni/libcni.ts';
import type { LoadedConf, NetworkConfigList } from '../../../lib/cni/netconf.ts';
import type { PodSandbox } from './cri-codec.ts';
import { formatDuration } from './duration.ts';
import { plan, validAttachments } from './plan.ts';

export interface GcDeps {
  listSandboxes(): Promise<readonly PodSandbox[]>;
  loadNetworks(): readonly LoadedConf[];
  cachedAttachments(): readonly ListedAttachment[];
  /** DEL through the list with what the cache entry recorded; removes the entry when it succeeds. */
  del(list: NetworkConfigList, a: ListedAttachment): Promise<void>;
  /** The plugins' GC verb (a no-op below 1.1.0); returns the failures. */
  gcPlugins(list: NetworkConfigList, valid: readonly AttachmentRef[]): Promise<Error[]>;
  /** Attachments of `list` with state made at or after `sinceMs`: ADDs that may still run. */
  recentAttachments(list: NetworkConfigList, sinceMs: number): readonly AttachmentRef[];
  now(): number;
  log(line: string): void;
}

export interface RoundResult {
  /** False when the runtime could not be asked (nothing was done) or anything failed. */
  readonly ok: boolean;
  readonly released: number;
  readonly failed: number;
}

const oneLine = (err: unknown): string => errorText(err).replace(/\s*\n\s*/g, '; ');

/** `only`: the network names to collect (all of the conf dir when undefined); the others are left alone silently. */
export async function gcRound(deps: GcDeps, graceMs: number, only?: ReadonlySet<string>): Promise<RoundResult> {
  let sandboxList: readonly PodSandbox[];
  try {
    sandboxList = await deps.listSandboxes();
  } catch (err) {
    // Never "no pods": an unreachable or failing runtime says nothing about what is stale.
    deps.log(`cannot list pod sandboxes, nothing released: ${oneLine(err)}`);
    return { ok: false, released: 0, failed: 0 };
  }
  const sandboxes = new Set(sandboxList.map((s) => s.id));
  // Read after the list: an entry written since belongs to a sandbox the list may lack, and is
  // young, so it is kept.
  const cached = deps.cachedAttachments();
  const now = deps.now();
  let released = 0;
  let failed = 0;
  const seen = new Set<string>();
  for (const conf of deps.loadNetworks()) {
    if ('error' in conf) {
      deps.log(`skipping ${conf.file}: ${oneLine(conf.error)}`);
      continue;
    }
    const list = conf.list;
    seen.add(list.name);
    if (only && !only.has(list.name)) continue;
    if (list.disableGC) {
      deps.log(`network ${list.name}: disableGC is set, left alone`);
      continue;
    }
    const p = plan(
      cached.filter((a) => a.network === list.name),
      sandboxes,
      now,
      graceMs,
    );
    for (const a of p.stale) {
      const what = `network ${list.name}: sandbox ${a.containerID} ${a.ifname}`;
      try {
        await deps.del(list, a);
        released++;
        deps.log(`${what}: released (sandbox gone, cached ${formatDuration(now - a.mtimeMs)} ago)`);
      } catch (err) {
        failed++;
        deps.log(`${what}: release failed, cache entry kept for the next round: ${oneLine(err)}`);
      }
    }
    const inFlight = deps.recentAttachments(list, now - graceMs);
    for (const err of await deps.gcPlugins(list, validAttachments(p, sandboxes, inFlight))) {
      failed++;
      deps.log(`network ${list.name}: ${oneLine(err)}`);
    }
  }
  // libcni GCs only the networks it has a config for: say so when that leaves stale entries
  // (containerd's own "cni-loopback" caches one per pod and has no file in the conf dir).
  const orphans = plan(
    cached.filter((a) => !seen.has(a.network)),
    sandboxes,
    now,
    graceMs,
  ).stale;
  for (const network of new Set(orphans.map((a) => a.network))) {
    deps.log(`network ${network}: not in the conf dir, its ${orphans.filter((a) => a.network === network).length} stale cached attachment(s) left alone`);
  }
  return { ok: failed === 0, released, failed };
}
