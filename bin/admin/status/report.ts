// What `cni-ts status` shows, gathered as data: per network of the conf dir, each plugin's STATUS
// (as libcni runs it, from cniVersion 1.1.0), host-local's use of each range, the attachments in
// libcni's cache and the firewall backend; all read in the network namespace it runs in.
import { cachedAttachments } from '../../../lib/cni/cache.ts';
import { errorText, hasStatus, statusPlugin, type CniConfig } from '../../../lib/cni/libcni.ts';
import { goField } from '../../../lib/cni/go.ts';
import { iptablesUsable, nftablesUsable, type Backend } from '../../../lib/firewall/backend.ts';
import { viewOf, type AttachmentView } from '../state/attachments.ts';
import { firewallObjects } from '../state/firewall.ts';
import { loadNetworks, type Network } from '../state/networks.ts';
import type { RangeUse } from '../../../ipam/host-local/usage.ts';
import { poolOf, reservationsOf } from '../state/pool.ts';

export interface PluginStatus {
  readonly type: string;
  /** n/a: the config is below 1.1.0, which has no STATUS. */
  readonly status: 'ok' | 'failed' | 'n/a';
  readonly error?: string;
}

export interface NetworkStatus {
  readonly name: string;
  readonly file: string;
  readonly cniVersion: string;
  readonly plugins: readonly PluginStatus[];
  readonly bridge?: string;
  readonly pool: readonly RangeUse[];
  readonly poolError?: string;
  readonly attachments: readonly AttachmentView[];
  readonly firewall: { readonly backend: Backend; readonly configured: boolean; readonly objects: Readonly<Record<Backend, number>> };
  readonly problem?: string;
}

export interface StatusReport {
  readonly confDir: string;
  readonly cacheDir: string;
  readonly networks: readonly NetworkStatus[];
  readonly unloadable: readonly { readonly file: string; readonly error: string }[];
  /** Cache entries of networks the conf dir does not have. */
  readonly otherAttachments: number;
  readonly firewall: { readonly iptablesUsable: boolean; readonly nftablesUsable: boolean; readonly default: Backend };
}

export interface StatusOptions {
  readonly confDir: string;
  readonly cacheDir: string;
  readonly binDir: string;
}

async function pluginStatuses(cfg: CniConfig, n: Network): Promise<PluginStatus[]> {
  const withStatus = hasStatus(n.list);
  return Promise.all(
    n.list.plugins.map(async (p): Promise<PluginStatus> => {
      if (!withStatus) return { type: p.type, status: 'n/a' };
      try {
        await statusPlugin(cfg, n.list, p);
        return { type: p.type, status: 'ok' };
      } catch (err) {
        return { type: p.type, status: 'failed', error: errorText(err) };
      }
    }),
  );
}

/** The backend a config names (bridge's ipMasqBackend, portmap's backend), if any. */
function configuredBackend(n: Network): Backend | undefined {
  if (n.bridge?.ipMasqBackend) return n.bridge.ipMasqBackend;
  const b = n.list.plugins.map((p) => (p.type === 'portmap' ? goField(p.raw, 'backend') : undefined)).find((v) => v === 'iptables' || v === 'nftables');
  return b as Backend | undefined;
}

export async function statusReport(o: StatusOptions): Promise<StatusReport> {
  const cfg: CniConfig = { path: [o.binDir], cacheDir: o.cacheDir, stderr: () => {} };
  const loaded = loadNetworks(o.confDir);
  const networks = loaded.filter((l): l is Network => !('error' in l));
  const cached = cachedAttachments(o.cacheDir).map(viewOf);
  const objects = firewallObjects();
  const [ipt, nft] = await Promise.all([iptablesUsable(), nftablesUsable()]);
  const fallback: Backend = ipt || !nft ? 'iptables' : 'nftables';
  const names = new Set(networks.map((n) => n.list.name));
  const out = await Promise.all(
    networks.map(async (n): Promise<NetworkStatus> => {
      let pool: RangeUse[] = [];
      let poolError: string | undefined;
      try {
        if (n.hostLocal) pool = poolOf(n.hostLocal, reservationsOf(n.hostLocal));
      } catch (err) {
        poolError = (err as Error).message;
      }
      const configured = configuredBackend(n);
      const mine = objects.filter((f) => f.network === n.list.name);
      return {
        name: n.list.name,
        file: n.file,
        cniVersion: n.list.cniVersion,
        plugins: await pluginStatuses(cfg, n),
        ...(n.bridge && { bridge: n.bridge.bridge }),
        pool,
        ...(poolError !== undefined && { poolError }),
        attachments: cached.filter((a) => a.network === n.list.name),
        firewall: {
          backend: configured ?? fallback,
          configured: configured !== undefined,
          objects: { iptables: mine.filter((f) => f.backend === 'iptables').length, nftables: mine.filter((f) => f.backend === 'nftables').length },
        },
        ...(n.problem !== undefined && { problem: n.problem }),
      };
    }),
  );
  return {
    confDir: o.confDir,
    cacheDir: o.cacheDir,
    networks: out,
    unloadable: loaded.flatMap((l) => ('error' in l ? [{ file: l.file, error: l.error.message }] : [])),
    otherAttachments: cached.filter((a) => !names.has(a.network)).length,
    firewall: { iptablesUsable: ipt, nftablesUsable: nft, default: fallback },
  };
}
