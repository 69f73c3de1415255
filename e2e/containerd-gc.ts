// `cni-ts gc` against the private containerd of containerd.ts while its pod runs: an attachment
// leaked the way containerd#12130 leaks one (an ADD whose sandbox is gone and never got a DEL:
// here our cnitool's ADD on a netns no sandbox owns, the netns then removed) is kept while its
// cache entry is younger than the grace, kept when the runtime cannot be asked, and then released
// (address, port-mapping and masquerade rules, cache entry) while the pod keeps its address and
// its host port. The gc and cnitool are always ours (dist/bin); the plugins are the bin dir under
// test.
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { containerIDFor } from '../bin/cnitool/runtime-conf.ts';
import { type E2EContext, CRI_NET as NET, PORTS, privateDir } from './lib/context.ts';
import { firewallLines, httpGet } from './lib/host.ts';
import { indent, must, run } from './lib/proc.ts';
import { Scenario, assert } from './lib/report.ts';

const DIST = resolve(import.meta.dirname, '../dist/bin');
const LEAK_NETNS = 'cnits-e2e-leak';

export interface PodUnderTest {
  readonly dir: string;
  readonly socket: string;
  readonly ipamDir: string;
  readonly sandboxId: string;
  readonly ip: string;
  readonly page: string;
}

export async function gcSteps(sc: Scenario, ctx: E2EContext, pod: PodUnderTest): Promise<void> {
  const cacheDir = '/var/lib/cni'; // private to the test's mount namespace (inside.ts)
  const results = join(privateDir(ctx, cacheDir), 'results');
  const netnsPath = `/run/netns/${LEAK_NETNS}`;
  const leakId = containerIDFor(netnsPath);
  const leakCache = join(results, `${NET.name}-${leakId}-eth0`);
  const reservations = (): string[] => readdirSync(join(pod.ipamDir, NET.name)).filter((f) => f.startsWith(NET.prefix));
  const gc = (endpoint = `unix://${pod.socket}`) =>
    run([join(DIST, 'cni-ts'), 'gc', '--cri-endpoint', endpoint, '--conf-dir', join(pod.dir, 'net.d'), '--cache-dir', cacheDir, '--bin-dir', ctx.binDir], { timeout: 60_000 });
  let leakIp = '';
  try {
    // The Go bridge (1.1.1) finds the addresses whose masquerade rules it removes inside the
    // netns, so its DEL of an attachment whose netns is gone leaves those rules (ours uses the
    // cached result): with any plugins but ours the leak keeps its netns until the gc is done.
    const removeNetns = ctx.label.startsWith('ours');
    leakIp = await sc.step(`leak an attachment: cnitool ADD with port ${PORTS.leak} for a netns no sandbox owns${removeNetns ? ', then remove the netns' : ''}`, async () => {
      await must(['ip', 'netns', 'add', LEAK_NETNS], { timeout: 10_000 });
      const out = await must([join(DIST, 'cnitool'), '--cache-dir', cacheDir, 'add', NET.name, netnsPath], {
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          NETCONFPATH: join(pod.dir, 'net.d'),
          CNI_PATH: ctx.binDir,
          CAP_ARGS: JSON.stringify({ portMappings: [{ hostPort: PORTS.leak, containerPort: 80, protocol: 'tcp' }] }),
        },
      });
      if (removeNetns) await must(['ip', 'netns', 'del', LEAK_NETNS], { timeout: 10_000 });
      const ip = (JSON.parse(out) as { ips: { address: string }[] }).ips[0]!.address.split('/')[0]!;
      assert(reservations().includes(ip), `no reservation for the leak's ${ip}`);
      assert(existsSync(leakCache), `no cache entry ${leakCache}`);
      assert((await firewallLines([leakId])).length > 0, `no firewall rule names ${leakId}`);
      sc.log(`leaked ${leakId} with ${ip}; the pod ${pod.sandboxId.slice(0, 12)} has ${pod.ip}`);
      return ip;
    });

    await sc.step('cni-ts gc keeps the leak while its cache entry is younger than the grace (5m)', async () => {
      const r = await gc();
      assert(r.code === 0, `gc exited ${r.code}:\n${r.stderr}`);
      assert(reservations().includes(leakIp) && existsSync(leakCache), `the young leak was touched:\n${r.stderr}`);
    });

    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(leakCache, old, old);

    await sc.step('cni-ts gc with the runtime unreachable releases nothing and exits 1', async () => {
      const r = await gc(`unix://${pod.dir}/no-such.sock`);
      assert(r.code === 1, `gc exited ${r.code}:\n${r.stderr}`);
      assert(/cannot list pod sandboxes, nothing released/.test(r.stderr), r.stderr);
      assert(reservations().includes(leakIp) && existsSync(leakCache), 'the leak was touched');
    });

    await sc.step('cni-ts gc releases the leak (10 minutes old) and keeps the running pod', async () => {
      const r = await gc();
      sc.log(`gc said:\n${indent(r.stderr.trimEnd())}`);
      assert(r.code === 0, `gc exited ${r.code}`);
      assert(r.stderr.includes(`sandbox ${leakId} eth0: released`), 'no "released" line for the leak');
      assert(!reservations().includes(leakIp), `the leak's ${leakIp} is still reserved`);
      assert(!existsSync(leakCache), `${leakCache} is still there`);
      const rules = await firewallLines([leakId, `${PORTS.leak}`]);
      assert(rules.length === 0, `the leak's rules are left:\n${rules.join('\n')}`);
      assert(reservations().includes(pod.ip), `the pod's ${pod.ip} is no longer reserved`);
      assert(existsSync(join(results, `${NET.name}-${pod.sandboxId}-eth0`)), "the pod's cache entry is gone");
      const a = await httpGet('127.0.0.1', PORTS.cri);
      assert(a === pod.page, `127.0.0.1:${PORTS.cri} answered ${JSON.stringify(a)}`);
    });
  } finally {
    await run(['ip', 'netns', 'del', LEAK_NETNS], { timeout: 10_000 });
    if (existsSync(leakCache)) {
      sc.log(`cleanup: releasing the leak ${leakId} with cnitool del`);
      await run([join(DIST, 'cnitool'), '--cache-dir', cacheDir, 'del', NET.name, netnsPath], {
        timeout: 60_000,
        env: { PATH: process.env.PATH, NETCONFPATH: join(pod.dir, 'net.d'), CNI_PATH: ctx.binDir },
      });
    }
  }
}
