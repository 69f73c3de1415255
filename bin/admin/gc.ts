// `cni-ts gc`: what containerd's CRI never does (go-cni has no GC call; containerd#12130 is the
// address leak this causes). Asks the runtime over CRI which pod sandboxes exist and releases the
// CNI state of those that are gone; once, or every --interval until SIGTERM or SIGINT. In a
// DaemonSet it runs in a container holding only this executable: --host-root makes it work on the
// host's files and run the host's plugins with the host's iptables and nft.
import { cachedAttachments } from '../../lib/cni/cache.ts';
import { recentReservations } from './gc/reservations.ts';
import { delCachedAttachment, gcPlugins, type CniConfig } from '../../lib/cni/libcni.ts';
import { loadNetworkConfs } from '../../lib/cni/netconf.ts';
import { chroot } from '../../lib/native/index.ts';
import { criTarget, listPodSandboxes } from './gc/cri.ts';
import { formatDuration, parseDuration } from './gc/duration.ts';
import { gcRound, type GcDeps } from './gc/round.ts';

export interface GcOptions {
  criEndpoint: string;
  confDir: string;
  cacheDir: string;
  binDir: string;
  interval?: string;
  network: string[];
  grace: string;
  hostRoot?: string;
  criTimeout: string;
}

/** The PATH the plugins get under --host-root, where the host keeps iptables and nft. */
const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString()} cni-ts gc: ${line}\n`);
};

function realDeps(o: GcOptions, criTimeoutMs: number): GcDeps {
  const cfg: CniConfig = { path: [o.binDir], cacheDir: o.cacheDir };
  return {
    listSandboxes: () => listPodSandboxes(o.criEndpoint, criTimeoutMs),
    loadNetworks: () => loadNetworkConfs(o.confDir),
    cachedAttachments: () => cachedAttachments(o.cacheDir),
    del: (list, a) => delCachedAttachment(cfg, list, a),
    gcPlugins: (list, valid) => gcPlugins(cfg, list, valid),
    recentAttachments: recentReservations,
    now: Date.now,
    log,
  };
}

/** Enters the host's root (mounted at `dir`) for good: every path from here on is the host's. */
function enterHostRoot(dir: string): void {
  chroot(dir); // loads the addon first, from outside the new root
  process.env.PATH = HOST_PATH;
}

/** Resolves after `ms`, or as soon as `stop` fires. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done);
  });
}

export async function gc(o: GcOptions): Promise<number> {
  let graceMs: number;
  let intervalMs: number | undefined;
  let criTimeoutMs: number;
  try {
    graceMs = parseDuration(o.grace, '--grace');
    criTimeoutMs = parseDuration(o.criTimeout, '--cri-timeout');
    intervalMs = o.interval === undefined ? undefined : parseDuration(o.interval, '--interval');
    if (intervalMs === 0) throw new Error('--interval: must be more than 0');
    criTarget(o.criEndpoint);
    if (o.hostRoot !== undefined) enterHostRoot(o.hostRoot);
  } catch (err) {
    log((err as Error).message);
    return 2;
  }
  const deps = realDeps(o, criTimeoutMs);
  const only = o.network.length > 0 ? new Set(o.network) : undefined;
  // A signal ends the run between rounds: a round in progress finishes its DELs first.
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!stop.signal.aborted) log(`${sig}: stopping after this round`);
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const where = `${o.hostRoot ? `host root ${o.hostRoot}, ` : ''}conf dir ${o.confDir}, cache dir ${o.cacheDir}, bin dir ${o.binDir}`;
    log(`CRI ${o.criEndpoint}, ${where}, grace ${formatDuration(graceMs)}${only ? `, networks ${[...only].join(', ')}` : ''}${intervalMs ? `, every ${formatDuration(intervalMs)}` : ''}`);
    for (;;) {
      const r = await gcRound(deps, graceMs, only);
      if (r.released > 0 || r.failed > 0) log(`round done: ${r.released} released, ${r.failed} failed`);
      if (intervalMs === undefined) return r.ok ? 0 : 1;
      if (stop.signal.aborted) return 0;
      await pause(intervalMs, stop.signal);
      if (stop.signal.aborted) return 0;
    }
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
