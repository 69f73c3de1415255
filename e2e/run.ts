// `make e2e`: real container runtimes (podman with its CNI backend, containerd's CRI) run
// containers on a CNI bin dir, by default our plugins installed by `make install` into a temp dir.
//
//   node e2e/run.ts [--reference | --bin DIR | --image] [--only podman|containerd]...
//
//   --reference   Debian's reference plugins in /usr/lib/cni instead of ours
//   --bin DIR     any other CNI bin dir with bridge, host-local and portmap (used as it is)
//   --image       ours as the DaemonSet installs them: `make image`'s image runs `cni-ts install`
//                 under podman into a temp bin and conf dir, and containerd uses its conflist
//
// Everything the runtimes write lives in one temp dir; the scenarios run in a private mount
// namespace (e2e/inside.ts). Afterwards this process removes what may be left whatever happened:
// processes started there, the test's bridges and firewall rules, the mount points it had to
// create, the temp dir.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, rmdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CRI_NET, PODMAN_NET, PRIVATE_PATHS, privateDir } from './lib/context.ts';
import { recordBaseline, restoreBaseline, type HostBaseline } from './lib/baseline.ts';
import { firewallLines, linkExists } from './lib/host.ts';
import { must, run } from './lib/proc.ts';
import { installFromImage } from './image-install.ts';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = process.execPath;
const TOTAL_TIMEOUT = 8 * 60_000;
const t0 = Date.now();

function parseArgs(argv: string[]): { bin?: string; reference: boolean; image: boolean; only: string[] } {
  const out: { bin?: string; reference: boolean; image: boolean; only: string[] } = { reference: false, image: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reference') out.reference = true;
    else if (a === '--image') out.image = true;
    else if (a === '--bin') out.bin = resolve(argv[++i] ?? '');
    else if (a === '--only') out.only.push(argv[++i] ?? '');
    else throw new Error(`unknown argument ${a}`);
  }
  for (const o of out.only) if (o !== 'podman' && o !== 'containerd') throw new Error(`--only takes podman or containerd, not ${o}`);
  return out;
}

const opts = parseArgs(process.argv.slice(2));
if (process.geteuid?.() !== 0) {
  console.error('e2e: must run as root (it starts podman and containerd)');
  process.exit(2);
}

const tmp = mkdtempSync('/tmp/cnits-e2e.');
let failed = false;
const createdMountPoints: string[] = [];
let baseline: HostBaseline | undefined;

async function prepareBinDir(): Promise<{ binDir: string; label: string; conflist?: string }> {
  if (opts.reference) return { binDir: '/usr/lib/cni', label: 'reference (/usr/lib/cni)' };
  if (opts.image) return installFromImage(tmp);
  if (opts.bin) return { binDir: opts.bin, label: `given (${opts.bin})` };
  const binDir = join(tmp, 'bin');
  await must(['make', '--no-print-directory', '-C', ROOT, 'install', 'DESTDIR=', `CNI_BIN_DIR=${binDir}`], { timeout: 300_000 });
  return { binDir, label: `ours (make install into ${binDir})` };
}

async function describePlugins(binDir: string): Promise<void> {
  for (const p of ['bridge', 'host-local', 'portmap', 'loopback']) {
    const file = join(binDir, p);
    if (!existsSync(file)) throw new Error(`${file} is missing`);
    const r = await run([file], { env: { PATH: process.env.PATH, CNI_COMMAND: 'VERSION' }, timeout: 10_000 });
    let target = '';
    try {
      target = ` -> ${readlinkSync(file)}`;
    } catch {
      // not a link
    }
    console.log(`e2e: ${file}${target}: ${r.stdout.trim() || r.stderr.trim()}`);
    if (r.code !== 0) throw new Error(`${file} VERSION failed`);
  }
}

/** Runs the scenarios in a private mount namespace; resolves with its exit code. */
function runInside(binDir: string, label: string, conflist: string | undefined): Promise<number | null> {
  const token = `cnits-e2e-${randomBytes(6).toString('hex')}`;
  const args = JSON.stringify({ tmp, binDir, label, token, conflist, only: opts.only });
  return new Promise((resolveRun) => {
    const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', NODE, join(ROOT, 'e2e/inside.ts'), args], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const timer = setTimeout(() => {
      console.log(`e2e: the scenarios did not finish in ${TOTAL_TIMEOUT / 1000} s: killing them`);
      child.kill('SIGKILL');
    }, TOTAL_TIMEOUT);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun(code);
    });
  });
}

/** Processes that still live in the test's mount namespace or name the temp dir. */
function leftoverProcesses(): { pid: number; cmd: string }[] {
  let mntns = '';
  try {
    mntns = readFileSync(join(tmp, 'mntns'), 'utf8');
  } catch {
    // the namespace never started
  }
  const out: { pid: number; cmd: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const ns = readlinkSync(`/proc/${pid}/ns/mnt`);
      if ((mntns && ns === mntns) || cmd.includes(tmp)) out.push({ pid, cmd });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Containers whose runc state lives in the temp dir (podman's and containerd's runc roots). */
async function killContainers(): Promise<void> {
  const roots = [privateDir({ tmp }, '/run/runc'), join(tmp, 'containerd/runc/k8s.io')];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const id of readdirSync(root)) {
      console.log(`e2e: cleanup: container ${id} still in ${root}: killing and deleting it`);
      failed = true;
      await run(['runc', '--root', root, 'kill', '--all', id, 'KILL'], { timeout: 10_000 });
      await run(['runc', '--root', root, 'delete', '--force', id], { timeout: 20_000 });
    }
  }
}

/** Deletes iptables rules left with our network names or subnets, then the per-container chains they used. */
async function removeFirewallLeftovers(): Promise<void> {
  const needles = [PODMAN_NET.name, PODMAN_NET.prefix, CRI_NET.name, CRI_NET.prefix];
  const lines = await firewallLines(needles);
  if (!lines.length) return;
  failed = true;
  console.log(`e2e: cleanup: firewall rules left by the test:\n${lines.map((l) => `    ${l}`).join('\n')}`);
  for (const [tool, save, restore] of [
    ['iptables', 'iptables-save', 'iptables-restore'],
    ['ip6tables', 'ip6tables-save', 'ip6tables-restore'],
  ] as const) {
    if (!lines.some((l) => l.startsWith(`${tool}:`))) continue;
    const dump = await run([save], { timeout: 20_000 });
    let table = '';
    const byTable = new Map<string, { dels: string[]; chains: Set<string> }>();
    for (const line of dump.stdout.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      if (!line.startsWith('-A ') || !needles.some((n) => line.includes(n))) continue;
      const t = byTable.get(table) ?? { dels: [], chains: new Set() };
      t.dels.push(`-D ${line.slice(3)}`);
      const jump = / -j (CNI-(?!HOSTPORT-)[A-Za-z0-9-]+)/.exec(line);
      if (jump) t.chains.add(jump[1]!);
      byTable.set(table, t);
    }
    for (const [t, { dels, chains }] of byTable) {
      const text = `*${t}\n${dels.join('\n')}\n${[...chains].map((c) => `-F ${c}\n-X ${c}`).join('\n')}\nCOMMIT\n`;
      const r = await run([restore, '-w', '--noflush'], { input: text, timeout: 20_000 });
      if (r.code !== 0) console.log(`e2e: cleanup: ${restore} failed: ${r.stderr.trim()}`);
    }
  }
  const still = await firewallLines(needles);
  if (still.length) console.log(`e2e: cleanup: could not remove:\n${still.map((l) => `    ${l}`).join('\n')}`);
}

async function cleanup(): Promise<void> {
  await killContainers();
  for (const { pid, cmd } of leftoverProcesses()) {
    console.log(`e2e: cleanup: process ${pid} (${cmd}) was left running: killing it`);
    failed = true;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const br of [PODMAN_NET.bridge, CRI_NET.bridge]) {
    if (await linkExists(br)) {
      console.log(`e2e: cleanup: bridge ${br} was left: deleting it`);
      await run(['ip', 'link', 'del', br], { timeout: 10_000 });
    }
  }
  await removeFirewallLeftovers();
  // Not failures: what the plugins keep on purpose for the containers that remain.
  if (baseline) for (const line of await restoreBaseline(baseline)) console.log(`e2e: host put back as it was: ${line}`);
  for (const p of createdMountPoints.reverse()) {
    try {
      rmdirSync(p);
    } catch (err) {
      console.log(`e2e: cleanup: cannot remove ${p}, which this test created: ${(err as Error).message}`);
    }
  }
  rmSync(tmp, { recursive: true, force: true });
}

try {
  console.log(`e2e: temp dir ${tmp}`);
  baseline = await recordBaseline();
  const { binDir, label, conflist } = await prepareBinDir();
  console.log(`e2e: CNI plugins: ${label}`);
  await describePlugins(binDir);
  for (const p of PRIVATE_PATHS) {
    if (existsSync(p)) continue;
    mkdirSync(p, { recursive: true, mode: 0o755 });
    createdMountPoints.push(p);
  }
  const code = await runInside(binDir, label, conflist);
  if (code !== 0) failed = true;
} catch (err) {
  console.log(`e2e: ${(err as Error).message}`);
  failed = true;
} finally {
  await cleanup();
}
console.log(`e2e: ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
