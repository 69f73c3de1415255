// containerd 1.6's CRI on a private containerd (own root, state, socket and config) whose CNI
// bin dir is the one under test: a pod sandbox with a port mapping gets its IP from host-local,
// PodSandboxStatus reports it, the host port answers, and StopPodSandbox + RemovePodSandbox
// leave no reservation, link, rule, cache entry or netns mount behind. In between, `cni-ts gc`
// releases an attachment leaked beside the pod and keeps the pod's (containerd-gc.ts).
import { copyFileSync, mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { gcSteps } from './containerd-gc.ts';
import { CriClient } from './cri/client.ts';
import { runPodSandboxRequest, sandboxIps } from './cri/messages.ts';
import { type E2EContext, CRI_NET as NET, PORTS, conflist } from './lib/context.ts';
import { bridgePorts, httpGet, linkExists } from './lib/host.ts';
import { buildOciArchive, buildRootfs, tarDir } from './lib/image.ts';
import { leftovers } from './lib/leftovers.ts';
import { daemon, indent, must, run, tail, waitFor, type Daemon } from './lib/proc.ts';
import { Scenario, assert } from './lib/report.ts';

/** The sandbox ("pause") image: busybox httpd as the sandbox's only process, so the pod's own
 *  network namespace serves the page that the host port must answer with. */
const PAUSE_IMAGE = 'localhost/cnits-e2e/pause-httpd:1';
const K8S_NS = 'k8s.io';

function containerdConfig(dir: string, binDir: string): string {
  const q = JSON.stringify;
  return `# written by the cni-ts e2e test: a private containerd, nothing shared with the machine's own
version = 2
root = ${q(join(dir, 'root'))}
state = ${q(join(dir, 'state'))}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${q(join(dir, 'containerd.sock'))}

[ttrpc]
  address = ${q(join(dir, 'containerd.sock.ttrpc'))}

[debug]
  level = "debug"

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = ${q(join(dir, 'opt'))}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${q(PAUSE_IMAGE)}
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  disable_apparmor = true
  netns_mounts_under_state_dir = true
  # this machine kind has no CAP_SYS_RESOURCE (CapBnd 000001fffeffffff), so runc cannot give the
  # sandbox CRI's default oom_score_adj of -998 ("failed to update /proc/self/oom_score_adj:
  # Permission denied"): keep it at containerd's own value instead
  restrict_oom_score_adj = true

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "runc"
        Root = ${q(join(dir, 'runc'))}
        SystemdCgroup = false

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${q(binDir)}
    conf_dir = ${q(join(dir, 'net.d'))}
    max_conf_num = 1
`;
}

export async function containerdScenario(ctx: E2EContext): Promise<Scenario> {
  const sc = new Scenario('containerd');
  const dir = join(ctx.tmp, 'containerd');
  const ipamDir = join(dir, 'ipam');
  const socket = join(dir, 'containerd.sock');
  const netnsDir = join(dir, 'state/io.containerd.grpc.v1.cri/netns');
  for (const d of ['net.d', 'ipam', 'logs', 'image/rootfs', 'image/oci']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'config.toml'), containerdConfig(dir, ctx.binDir));
  if (ctx.conflist) copyFileSync(ctx.conflist, join(dir, 'net.d', basename(ctx.conflist)));
  else writeFileSync(join(dir, 'net.d', `10-${NET.name}.conflist`), conflist(NET, ipamDir));

  let containerd: Daemon | undefined;
  let cri: CriClient | undefined;
  const log = join(dir, 'containerd.log');
  const ctr = (args: readonly string[], timeout = 60_000): Promise<string> => must(['ctr', '--address', socket, '--namespace', K8S_NS, ...args], { timeout });

  sc.onFailureShow(async () => {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const problems = text.split('\n').filter((l) => /level=(error|warning|fatal)/.test(l));
    return [
      `containerd's errors and warnings (${problems.length}):`,
      indent(problems.slice(-40).join('\n')),
      tail(log, 40),
      existsSync(join(dir, 'state')) ? (await run(['find', join(dir, 'state'), '-maxdepth', '3'], { timeout: 5_000 })).stdout : '',
    ].join('\n');
  });

  const page = `${ctx.token} cri-pod\n`;
  let sandboxId = '';
  try {
    await sc.step('a private containerd starts and answers CRI Version', async () => {
      containerd = daemon(['containerd', '--config', join(dir, 'config.toml')], log);
      cri = new CriClient(socket);
      const v = await waitFor('containerd to answer on its socket', 30_000, async () => {
        if (containerd!.exited()) throw new Error(`containerd exited with ${containerd!.child.exitCode}`);
        return existsSync(socket) ? cri!.version(2_000) : undefined;
      }, 250);
      assert(v.runtime_api_version === 'v1', `runtime API ${v.runtime_api_version}, not v1`);
      sc.log(`${v.runtime_name} ${v.runtime_version}, CRI ${v.runtime_api_version}, plugins from ${ctx.binDir}`);
    });

    await sc.step(`import a locally built sandbox image ${PAUSE_IMAGE} with ctr`, async () => {
      buildRootfs(join(dir, 'image/rootfs'), page.trimEnd());
      await tarDir(join(dir, 'image/rootfs'), join(dir, 'image/layer.tar'));
      await buildOciArchive({ name: PAUSE_IMAGE, entrypoint: ['/bin/httpd', '-f', '-p', '80', '-h', '/www'] }, join(dir, 'image/layer.tar'), join(dir, 'image/oci'), join(dir, 'image/pause.tar'));
      await ctr(['images', 'import', join(dir, 'image/pause.tar')]);
      const names = await ctr(['images', 'ls', '-q']);
      assert(names.split('\n').includes(PAUSE_IMAGE), `ctr does not list ${PAUSE_IMAGE}: ${names}`);
    });

    sandboxId = await sc.step(`RunPodSandbox with port mapping ${PORTS.cri}->80`, async () => {
      const req = runPodSandboxRequest({
        name: 'web',
        namespace: 'cnits-e2e',
        uid: randomUUID(),
        hostname: 'cri-pod',
        logDirectory: join(dir, 'logs'),
        ports: [{ containerPort: 80, hostPort: PORTS.cri }],
        labels: { app: 'cnits-e2e' },
      });
      return cri!.runPodSandbox(req);
    });

    const ip = await sc.step('PodSandboxStatus: ready, with an address from our host-local', async () => {
      const st = await cri!.podSandboxStatus(sandboxId);
      assert(st.status?.state === 'SANDBOX_READY', `sandbox state ${st.status?.state}`);
      const ips = sandboxIps(st);
      const ip = ips[0];
      assert(ip?.startsWith(NET.prefix), `sandbox IPs ${JSON.stringify(ips)}, not in ${NET.subnet}`);
      const reservation = join(ipamDir, NET.name, ip);
      assert(existsSync(reservation), `no host-local reservation ${reservation}`);
      const owner = readFileSync(reservation, 'utf8').split('\n')[0]?.trim();
      assert(owner === sandboxId, `reservation ${reservation} belongs to ${owner}, not the sandbox ${sandboxId}`);
      sc.log(`sandbox ${sandboxId.slice(0, 12)} is ${ip}, bridge ports: ${(await bridgePorts(NET.bridge)).join(', ')}`);
      return ip;
    });

    await sc.step("the sandbox's lo is up with 127.0.0.1/8 (containerd ran loopback from the bin dir)", async () => {
      const mounts = readdirSync(netnsDir);
      assert(mounts.length === 1, `netns mounts under ${netnsDir}: ${JSON.stringify(mounts)}`);
      const [lo] = JSON.parse(await must(['nsenter', `--net=${join(netnsDir, mounts[0]!)}`, 'ip', '-j', 'addr', 'show', 'dev', 'lo'])) as { flags: string[]; addr_info: { local: string; prefixlen: number }[] }[];
      assert(lo?.flags.includes('UP') === true, `lo flags ${JSON.stringify(lo?.flags)}`);
      const addrs = lo.addr_info.map((a) => `${a.local}/${a.prefixlen}`);
      assert(addrs.includes('127.0.0.1/8'), `lo addresses ${JSON.stringify(addrs)}`);
    });

    await sc.step(`the host port answers: 127.0.0.1:${PORTS.cri}, ${NET.gateway}:${PORTS.cri}, and ${ip}:80 directly`, async () => {
      const a = await waitFor('the pod to answer', 15_000, () => httpGet('127.0.0.1', PORTS.cri));
      assert(a === page, `127.0.0.1:${PORTS.cri} answered ${JSON.stringify(a)}`);
      const b = await httpGet(NET.gateway, PORTS.cri);
      assert(b === page, `${NET.gateway}:${PORTS.cri} answered ${JSON.stringify(b)}`);
      const c = await httpGet(ip, 80);
      assert(c === page, `${ip}:80 answered ${JSON.stringify(c)}`);
    });

    await gcSteps(sc, ctx, { dir, socket, ipamDir, sandboxId, ip, page });

    await sc.step('StopPodSandbox tears the network down', async () => {
      await cri!.stopPodSandbox(sandboxId);
      const st = await cri!.podSandboxStatus(sandboxId);
      assert(st.status?.state === 'SANDBOX_NOTREADY', `state after stop: ${st.status?.state}`);
      const problems = await leftovers(ctx, NET, ipamDir, netnsDir);
      assert(problems.length === 0, problems.join('\n'));
    });

    await sc.step('RemovePodSandbox: nothing left (reservation, link, rule, cache entry, netns)', async () => {
      await cri!.removePodSandbox(sandboxId);
      const list = await cri!.listPodSandbox();
      assert(list.length === 0, `sandboxes still listed: ${JSON.stringify(list)}`);
      const problems = await leftovers(ctx, NET, ipamDir, netnsDir);
      assert(problems.length === 0, problems.join('\n'));
      const closed = await httpGet('127.0.0.1', PORTS.cri, 1000).then(
        () => false,
        () => true,
      );
      assert(closed, `127.0.0.1:${PORTS.cri} still answers after removal`);
    });
  } catch {
    // the failed step was reported with the logs
  } finally {
    if (cri && containerd && !containerd.exited()) {
      try {
        for (const s of await cri.listPodSandbox()) {
          sc.log(`cleanup: stopping and removing sandbox ${s.id}`);
          await cri.stopPodSandbox(s.id).catch((e: Error) => sc.log(`cleanup: ${e.message}`));
          await cri.removePodSandbox(s.id).catch((e: Error) => sc.log(`cleanup: ${e.message}`));
        }
      } catch (err) {
        sc.log(`cleanup: ${(err as Error).message}`);
      }
    }
    cri?.close();
    await containerd?.stop(15_000);
    if (await linkExists(NET.bridge)) await run(['ip', 'link', 'del', NET.bridge], { timeout: 10_000 });
  }
  return sc;
}
