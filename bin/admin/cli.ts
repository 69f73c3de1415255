// The admin command's options, all declared here so that `--help` describes every subcommand
// without loading any: each subcommand's code is imported only when it runs.
import { Command, Option } from 'commander';
import { SUITE_VERSION } from '../../lib/cni/skel.ts';
import { SUPPORTED_VERSIONS } from '../../lib/cni/version.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Runs a subcommand's code, loaded now, and sets the exit status it returns. */
const run =
  <O>(load: () => Promise<(opts: O) => Promise<number>>) =>
  async (opts: O): Promise<void> => {
    process.exitCode = await (await load())(opts);
  };

/** The node's CNI state that gc, status and doctor read: conf dir, libcni's cache, the plugins. */
const nodeStateOptions = (command: Command, binDirUse: string): Command =>
  command
    .option('--conf-dir <dir>', 'the CNI conf dir', '/etc/cni/net.d')
    .option('--cache-dir <dir>', "libcni's cache dir", '/var/lib/cni')
    .option('--bin-dir <dir>', `the CNI bin dir (${binDirUse})`, '/opt/cni/bin');

/** The suite, the runtime it runs on and the spec versions its plugins speak. */
export function versionText(): string {
  const bunVersion = (globalThis as { Bun?: { version: string } }).Bun?.version;
  const runtime = bunVersion ? `Bun ${bunVersion}` : `Node.js ${process.versions.node}`;
  return `cni-ts ${SUITE_VERSION}\nruntime: ${runtime}\nCNI spec versions: ${SUPPORTED_VERSIONS.join(', ')}`;
}

export function adminProgram(): Command {
  const program = new Command('cni-ts')
    .description('Install cni-ts onto a node and keep its CNI state clean')
    .version(versionText(), '-V, --version', 'print the version, the runtime and the CNI spec versions')
    .exitOverride();
  program
    .command('install')
    .description('copy the plugins into a CNI bin dir and write a conflist for them')
    .requiredOption('--bin-dir <dir>', 'the CNI bin dir (e.g. /opt/cni/bin)')
    .requiredOption('--conf-dir <dir>', 'the CNI conf dir (e.g. /etc/cni/net.d)')
    .option('--pod-cidr <cidr>', 'a pod CIDR of this node, IPv4 or IPv6 (repeatable)', collect, [])
    .option('--node-name <name>', "read the pod CIDRs from this Node's spec.podCIDRs through the Kubernetes API")
    .option('--kubeconfig <file>', "with --node-name: reach the API through this kubeconfig, not the pod's service account")
    .option('--timeout <seconds>', "with --node-name: how long to wait for the Node's pod CIDRs", '300')
    .option('--network <name>', 'the network name in the conflist', 'cni-ts')
    .option('--bridge <name>', 'the bridge name', 'cni0')
    .option('--mtu <n>', 'the MTU of the bridge and the pod interfaces')
    .option('--no-portmap', 'leave portmap out of the chain')
    .addOption(
      new Option('--cni-version <version>', "the conflist's cniVersion: 1.0.0 for runtimes whose libcni predates 1.2 (containerd 1.6 and 1.7, which cannot read a 1.1.0 result)")
        .choices(['1.0.0', '1.1.0'])
        .default('1.1.0'),
    )
    .option('--data-dir <dir>', "host-local's reservations directory")
    .option('--force', 'replace files in the bin dir that another project installed')
    .action(run(async () => (await import('./install.ts')).install));
  program
    .command('uninstall')
    .description('remove exactly what install wrote')
    .requiredOption('--bin-dir <dir>', 'the CNI bin dir')
    .requiredOption('--conf-dir <dir>', 'the CNI conf dir')
    .action(run(async () => (await import('./install.ts')).uninstall));
  nodeStateOptions(
    program
      .command('gc')
      .description("release the CNI state of pod sandboxes that the runtime no longer has (what containerd's CRI never does)")
      .requiredOption('--cri-endpoint <url>', 'the CRI socket, e.g. unix:///run/containerd/containerd.sock'),
    'for the releasing DELs and GC',
  )
    .option('--interval <duration>', 'run again after each interval (e.g. 5m) until SIGTERM')
    .option('--network <name>', "only this network of the conf dir (repeatable; default all): leave out networks another runtime (e.g. podman's CNI backend) shares the cache dir with", collect, [])
    .option('--grace <duration>', 'never touch an attachment whose cache entry is younger than this', '5m')
    .option('--cri-timeout <duration>', 'the deadline of each CRI call', '30s')
    .option('--host-root <dir>', "the host's / mounted here: chroot into it first, so every path and the plugins' PATH are the host's")
    .action(run(async () => (await import('./gc.ts')).gc));
  nodeStateOptions(
    program.command('status').description("the networks of the conf dir: their plugins' STATUS, address pool use, attachments and firewall backend"),
    'for STATUS',
  )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['human', 'json']).default('human'))
    .action(run(async () => (await import('./status.ts')).status));
  nodeStateOptions(
    program
      .command('doctor')
      .description('cross-check reservations, cache entries, veths and firewall rules; report (and with --fix repair) what has no counterpart'),
    'for the repairing DELs and GC',
  )
    .option('--fix', "repair through the plugins' own DEL and GC, then check again")
    .action(run(async () => (await import('./doctor.ts')).doctor));
  return program;
}

