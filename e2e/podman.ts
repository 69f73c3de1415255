// podman 4.3 with its CNI network backend, all state in the temp dir: two busybox httpd
// containers on a hand-written bridge + host-local + portmap conflist, reached from the host
// through a published port (on 127.0.0.1 and on the gateway) and directly, and from each other;
// then removed, leaving no reservation, link, rule, cache entry or netns mount.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type E2EContext, PODMAN_NET as NET, PORTS, conflist, privateDir } from './lib/context.ts';
import { containerUlimits, httpGet, linkExists, bridgePorts } from './lib/host.ts';
import { buildRootfs, tarDir } from './lib/image.ts';
import { leftovers } from './lib/leftovers.ts';
import { CommandError, run, tail, waitFor, type RunResult } from './lib/proc.ts';
import { Scenario, assert } from './lib/report.ts';

const IMAGE = 'localhost/cnits-e2e/busybox:1';

interface Inspect {
  Id: string;
  State: { Running: boolean };
  NetworkSettings: { Networks?: Record<string, { IPAddress: string; Gateway: string }> };
}

export async function podmanScenario(ctx: E2EContext): Promise<Scenario> {
  const sc = new Scenario('podman');
  const dir = join(ctx.tmp, 'podman');
  const ipamDir = join(dir, 'ipam');
  const log = join(dir, 'podman.log');
  for (const d of ['net.d', 'tmp', 'ipam', 'rootfs', 'libpod-tmp']) mkdirSync(join(dir, d), { recursive: true });

  const limits = containerUlimits();
  writeFileSync(
    join(dir, 'containers.conf'),
    `# written by the cni-ts e2e test; nothing here is read from the machine's own configuration
[containers]
default_ulimits = ["nofile=${limits.nofile}:${limits.nofile}", "nproc=${limits.nproc}:${limits.nproc}"]
log_driver = "k8s-file"

[network]
network_backend = "cni"
cni_plugin_dirs = ["${ctx.binDir}"]
network_config_dir = "${join(dir, 'net.d')}"
default_network = "${NET.name}"
default_subnet = "${NET.subnet}"

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
events_logfile_path = "${join(dir, 'events.log')}"
tmp_dir = "${join(dir, 'libpod-tmp')}"
image_copy_tmp_dir = "${join(dir, 'tmp')}"
volume_path = "${join(dir, 'volumes')}"
`,
  );
  writeFileSync(
    join(dir, 'storage.conf'),
    `[storage]\ndriver = "overlay"\ngraphroot = "${join(dir, 'storage')}"\nrunroot = "${join(dir, 'runroot')}"\n`,
  );
  writeFileSync(join(dir, 'registries.conf'), 'unqualified-search-registries = []\n');
  writeFileSync(join(dir, 'net.d', `${NET.name}.conflist`), conflist(NET, ipamDir));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
    TMPDIR: join(dir, 'tmp'),
  };
  const global = ['--root', join(dir, 'storage'), '--runroot', join(dir, 'runroot')];

  /** Runs podman with our configuration; everything it prints goes to podman.log too. */
  const podman = async (args: readonly string[], timeout = 60_000): Promise<RunResult> => {
    const cmd = ['podman', ...global, ...args];
    const r = await run(cmd, { env, timeout });
    const out = args[0] === 'inspect' && r.code === 0 ? '' : r.stdout;
    appendFileSync(log, `$ podman ${args.join(' ')}\n${out}${r.stderr}${r.timedOut ? '(timed out)\n' : ''}[exit ${r.code}]\n`);
    return r;
  };
  const must = async (args: readonly string[], timeout?: number): Promise<string> => {
    const r = await podman(args, timeout);
    if (r.code !== 0 || r.timedOut) throw new CommandError(['podman', ...args], r);
    return r.stdout;
  };
  const inspect = async (name: string): Promise<Inspect> => (JSON.parse(await must(['inspect', '--type', 'container', name])) as Inspect[])[0]!;
  const ipOf = (c: Inspect): string => {
    const n = c.NetworkSettings.Networks?.[NET.name];
    assert(n?.IPAddress, `container has no address on ${NET.name}: ${JSON.stringify(c.NetworkSettings)}`);
    return n.IPAddress;
  };

  sc.onFailureShow(async () => {
    const parts = [tail(log, 80)];
    const ps = await podman(['ps', '-a', '--format', '{{.Names}} {{.Status}} {{.Ports}}']);
    parts.push(`podman ps -a:\n${ps.stdout}${ps.stderr}`);
    for (const name of ['web1', 'web2']) {
      const l = await podman(['logs', name], 10_000);
      if (l.code === 0) parts.push(`podman logs ${name}:\n${l.stdout}${l.stderr}`);
    }
    parts.push(tail(join(dir, 'events.log'), 20));
    return parts.join('\n');
  });

  // busybox httpd serving "<token> <hostname>", so each answer names the container that sent it.
  const serve = ['sh', '-c', `echo "${ctx.token} $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www`];
  const page = (host: string): string => `${ctx.token} ${host}\n`;

  try {
    await sc.step('podman 4 with the CNI backend and our bin dir', async () => {
      const v = (await must(['version', '--format', '{{.Client.Version}}'])).trim();
      const backend = (await must(['info', '--format', '{{.Host.NetworkBackend}}'])).trim();
      assert(backend === 'cni', `network backend is ${backend}, not cni`);
      const nets = await must(['network', 'inspect', NET.name]);
      assert(nets.includes(NET.subnet), `podman does not see ${NET.subnet} in ${NET.name}: ${nets}`);
      sc.log(`podman ${v}, backend ${backend}, plugins from ${ctx.binDir}`);
    });

    await sc.step(`import a busybox-static root file system as ${IMAGE}`, async () => {
      buildRootfs(join(dir, 'rootfs'), 'placeholder');
      await tarDir(join(dir, 'rootfs'), join(dir, 'rootfs.tar'));
      await must(['import', '--quiet', join(dir, 'rootfs.tar'), IMAGE]);
    });

    const ip1 = await sc.step(`run web1 (httpd) with -p ${PORTS.podman1}:80`, async () => {
      await must(['run', '-d', '--name', 'web1', '--hostname', 'web1', '--network', NET.name, '-p', `${PORTS.podman1}:80`, IMAGE, ...serve], 90_000);
      const c = await inspect('web1');
      assert(c.State.Running, 'web1 is not running');
      const ip = ipOf(c);
      assert(ip.startsWith(NET.prefix), `web1 got ${ip}, outside ${NET.subnet}`);
      const reservation = join(ipamDir, NET.name, ip);
      const owner = existsSync(reservation) ? readFileSync(reservation, 'utf8').split('\n')[0]?.trim() : undefined;
      assert(owner === c.Id, `host-local reservation ${reservation} holds ${owner ?? 'nothing'}, not web1's id ${c.Id}`);
      assert(await linkExists(NET.bridge), `bridge ${NET.bridge} was not created`);
      sc.log(`web1 is ${ip}, bridge ports: ${(await bridgePorts(NET.bridge)).join(', ')}`);
      return ip;
    });

    await sc.step(`fetch web1 through 127.0.0.1:${PORTS.podman1}`, async () => {
      const body = await waitFor('web1 to answer', 15_000, () => httpGet('127.0.0.1', PORTS.podman1));
      assert(body === page('web1'), `unexpected page ${JSON.stringify(body)}`);
    });
    await sc.step(`fetch web1 through the gateway ${NET.gateway}:${PORTS.podman1}`, async () => {
      const body = await httpGet(NET.gateway, PORTS.podman1);
      assert(body === page('web1'), `unexpected page ${JSON.stringify(body)}`);
    });
    await sc.step(`fetch web1 directly at ${ip1}:80`, async () => {
      const body = await httpGet(ip1, 80);
      assert(body === page('web1'), `unexpected page ${JSON.stringify(body)}`);
    });

    const ip2 = await sc.step(`run web2 beside it with -p ${PORTS.podman2}:80`, async () => {
      await must(['run', '-d', '--name', 'web2', '--hostname', 'web2', '--network', NET.name, '-p', `${PORTS.podman2}:80`, IMAGE, ...serve], 90_000);
      const ip = ipOf(await inspect('web2'));
      assert(ip.startsWith(NET.prefix) && ip !== ip1, `web2 got ${ip} (web1 has ${ip1})`);
      const body = await waitFor('web2 to answer', 15_000, () => httpGet('127.0.0.1', PORTS.podman2));
      assert(body === page('web2'), `127.0.0.1:${PORTS.podman2} answered ${JSON.stringify(body)}`);
      assert((await httpGet('127.0.0.1', PORTS.podman1)) === page('web1'), `127.0.0.1:${PORTS.podman1} no longer answers as web1`);
      sc.log(`web2 is ${ip}`);
      return ip;
    });

    await sc.step('web2 reaches web1 and web1 reaches web2 over the bridge', async () => {
      const a = await must(['exec', 'web2', 'timeout', '10', 'wget', '-q', '-O', '-', `http://${ip1}/`], 30_000);
      assert(a === page('web1'), `web2 -> web1 got ${JSON.stringify(a)}`);
      const b = await must(['exec', 'web1', 'timeout', '10', 'wget', '-q', '-O', '-', `http://${ip2}/`], 30_000);
      assert(b === page('web2'), `web1 -> web2 got ${JSON.stringify(b)}`);
    });

    await sc.step('web1 reaches itself through its host port on the gateway (hairpin)', async () => {
      const c = await must(['exec', 'web1', 'timeout', '10', 'wget', '-q', '-O', '-', `http://${NET.gateway}:${PORTS.podman1}/`], 30_000);
      assert(c === page('web1'), `web1 -> ${NET.gateway}:${PORTS.podman1} got ${JSON.stringify(c)}`);
    });

    await sc.step('remove both containers', async () => {
      await must(['rm', '-f', '-t', '0', 'web1', 'web2'], 60_000);
      const left = (await must(['ps', '-a', '-q'])).trim();
      assert(left === '', `containers still listed: ${left}`);
    });

    await sc.step('nothing left: reservation, link, rule, cache entry, netns', async () => {
      const problems = await leftovers(ctx, NET, ipamDir, privateDir(ctx, '/run/netns'));
      assert(problems.length === 0, problems.join('\n'));
      const closed = await httpGet('127.0.0.1', PORTS.podman1, 1000).then(
        () => false,
        () => true,
      );
      assert(closed, `127.0.0.1:${PORTS.podman1} still answers after removal`);
    });
  } catch {
    // the failed step was reported with the logs
  } finally {
    const r = await podman(['rm', '-a', '-f', '-t', '0'], 60_000);
    if (r.code !== 0) sc.log(`cleanup: podman rm -a -f failed:\n${r.stderr}`);
    await podman(['rmi', '-a', '-f'], 30_000);
    if (await linkExists(NET.bridge)) await run(['ip', 'link', 'del', NET.bridge], { timeout: 10_000 });
  }
  return sc;
}
