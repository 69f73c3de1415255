// `cni-ts doctor`: cross-checks, per bridge network of the conf dir, host-local's reservations,
// libcni's cache, the veths on its bridge and the per-attachment firewall state, and reports what
// has no counterpart with what would repair it. --fix repairs through the plugins' own DEL (from
// the cache entry when there is one, as libcni sends it), never by removing state itself, then
// checks again: the exit status is 1 when problems are left, 0 otherwise.
import { existsSync } from 'node:fs';
import { cachedAttachments } from '../../lib/cni/cache.ts';
import { delCachedAttachment, delNetworkList, errorText, gcPlugins, hasGC, type CniConfig } from '../../lib/cni/libcni.ts';
import { combineErrors } from '../../lib/cni/errors.ts';
import { check, validAttachments, type Finding, type NetworkState, type Repair } from './doctor/check.ts';
import { viewOf } from './state/attachments.ts';
import { firewallObjects } from './state/firewall.ts';
import { loadNetworks, type Network } from './state/networks.ts';
import { reservationsOf } from './state/pool.ts';
import { bridgePorts } from './state/ports.ts';
import { colourWanted, painter, type Paint } from './table.ts';

export interface DoctorOptions {
  confDir: string;
  cacheDir: string;
  binDir: string;
  fix?: boolean;
}

type BridgeNetwork = Network & { readonly bridge: NonNullable<Network['bridge']> };

function stateOf(n: BridgeNetwork, cacheDir: string): NetworkState {
  const name = n.list.name;
  return {
    network: name,
    gc: hasGC(n.list),
    hostLocal: n.hostLocal !== undefined,
    cached: cachedAttachments(cacheDir)
      .filter((a) => a.network === name)
      .map((a) => ({ ...viewOf(a), netnsExists: a.netns !== '' && existsSync(a.netns) })),
    reservations: n.hostLocal ? reservationsOf(n.hostLocal) : [],
    ports: bridgePorts(n.bridge.bridge),
    firewall: firewallObjects().filter((f) => f.network === name),
  };
}

async function apply(cfg: CniConfig, n: BridgeNetwork, r: Repair): Promise<void> {
  if (r.kind === 'del') return delNetworkList(cfg, n.list, { containerID: r.containerID, ifname: r.ifname, netns: r.netns });
  if (r.kind === 'gc') {
    // Valid as the DELs before it left things: read again.
    const errors = await gcPlugins(cfg, n.list, validAttachments(stateOf(n, cfg.cacheDir)));
    if (errors.length > 0) throw combineErrors(errors);
    return;
  }
  const a = cachedAttachments(cfg.cacheDir).find((c) => c.network === n.list.name && c.containerID === r.containerID && c.ifname === r.ifname);
  if (a) await delCachedAttachment(cfg, n.list, a);
}

const show = (f: Finding, paint: Paint, label = 'problem'): string => `  ${paint('red', label.padEnd(7))}  ${f.problem}\n  ${paint('dim', 'repair ')}  ${f.repair}${f.fix ? '' : ' (not done by --fix)'}`;

/**
 * --fix on one network: the DELs first; then one GC for the firewall state that still has no
 * owner (a DEL without the cached port mappings leaves portmap's), once the DELs have shown what
 * that is. Returns what a last check still finds.
 */
async function repair(cfg: CniConfig, n: BridgeNetwork, findings: readonly Finding[], out: (line: string) => void, paint: Paint): Promise<Finding[]> {
  const attempt = async (f: Finding): Promise<void> => {
    try {
      await apply(cfg, n, f.fix!);
      out(`  ${paint('green', 'changed')}  ${f.repair}: done`);
    } catch (err) {
      out(`  ${paint('red', 'failed ')}  ${f.repair}: ${errorText(err).replace(/\s*\n\s*/g, '; ')}`);
    }
  };
  for (const f of findings) if (f.fix && f.fix.kind !== 'gc') await attempt(f);
  const gc = check(stateOf(n, cfg.cacheDir)).find((f) => f.fix?.kind === 'gc');
  if (gc && !findings.some((f) => f.problem === gc.problem)) out(show(gc, paint, 'then'));
  if (gc) await attempt(gc);
  return check(stateOf(n, cfg.cacheDir));
}

export async function doctor(o: DoctorOptions): Promise<number> {
  const paint = painter(colourWanted(process.stdout, process.env));
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const cfg: CniConfig = { path: [o.binDir], cacheDir: o.cacheDir };
  let found = 0;
  let fixable = 0;
  let fixed = 0;
  let left = 0;
  for (const n of loadNetworks(o.confDir)) {
    if ('error' in n) {
      out(`${paint('yellow', 'skipped')}  ${n.file}: ${n.error.message}`);
      continue;
    }
    if (!n.bridge) {
      out(`network ${n.list.name}: ${n.problem ? `bridge config unreadable, not checked: ${n.problem}` : 'no bridge plugin, not checked'}`);
      continue;
    }
    const bn = n as BridgeNetwork;
    const findings = check(stateOf(bn, o.cacheDir));
    found += findings.length;
    fixable += findings.filter((f) => f.fix).length;
    out(`${paint('bold', `network ${n.list.name}`)} (bridge ${n.bridge.bridge}): ${findings.length === 0 ? paint('green', 'no problems') : `${findings.length} problem(s)`}`);
    for (const f of findings) out(show(f, paint));
    if (!o.fix || !findings.some((f) => f.fix)) {
      left += findings.length;
      continue;
    }
    const after = await repair(cfg, bn, findings, out, paint);
    fixed += Math.max(findings.length - after.length, 0);
    left += after.length;
    for (const f of after) out(show(f, paint, 'left'));
  }
  const summary = o.fix ? `${fixed} fixed, ${left} left` : `${fixable} of them for --fix`;
  out(`${found} problem(s) found, ${summary}`);
  return left > 0 ? 1 : 0;
}
