// The command line of cnitool, compatible with the reference (containernetworking/cni cnitool):
// `add|check|del|gc|status <network> <netns>`, env NETCONFPATH, CNI_PATH, CNI_ARGS, CAP_ARGS,
// CNI_IFNAME, `-i/--ifname`; reference output (the result JSON on stdout, errors on stderr,
// exit 1). Beyond it: help for every verb, `netns create|delete`, `--output human`, a settable
// cache directory, and GC with a list of valid attachments.
import { resolve as resolvePath } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { formatResult } from '../../lib/cni/print.ts';
import { DEFAULT_CACHE_DIR } from '../../lib/cni/cache.ts';
import { humanResult } from './human.ts';
import { addNetworkList, checkNetworkList, delNetworkList, errorText, gcNetworkList, statusNetworkList, type CniConfig, type RuntimeConf } from '../../lib/cni/libcni.ts';
import type { AttachmentRef } from '../../lib/cni/attachment.ts';
import { loadNetworkConf, type NetworkConfigList } from '../../lib/cni/netconf.ts';
import { createNetns, deleteNetns } from './netns.ts';
import { containerIDFor, readToolEnv } from './runtime-conf.ts';

export interface ToolIO {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

interface GlobalOpts {
  ifname?: string;
  output: 'json' | 'human';
  cacheDir?: string;
}

const ENV_HELP = `
Environment:
  NETCONFPATH   directory of network configs (default /etc/cni/net.d): *.conflist first, then
                *.conf and *.json, in lexical order; the first with the network's name is used
  CNI_PATH      ':'-separated directories where plugins are looked up
  CNI_ARGS      "K1=V1;K2=V2" passed to the plugins
  CAP_ARGS      JSON capability arguments, e.g. '{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}',
                given as runtimeConfig only to plugins that declare the capability
  CNI_IFNAME    interface name in the container (default eth0; -i beats it)
  CNI_CACHE_DIR result cache directory (default /var/lib/cni; --cache-dir beats it)

The container ID is "cnitool-" followed by the first 20 hex digits of SHA-512(absolute netns path).`;

class Tool {
  readonly io: ToolIO;
  constructor(io: ToolIO) {
    this.io = io;
  }

  context(cmd: Command, netns: string | undefined) {
    const g = cmd.optsWithGlobals<GlobalOpts>();
    const env = readToolEnv(this.io.env, g.ifname);
    const cfg: CniConfig = { path: env.cniPath, cacheDir: g.cacheDir || this.io.env.CNI_CACHE_DIR || DEFAULT_CACHE_DIR };
    const rt: RuntimeConf | undefined =
      netns === undefined ? undefined : { containerID: containerIDFor(netns), netns: resolveNetns(netns), ifname: env.ifname, args: env.cniArgs, capabilityArgs: env.capArgs };
    return { g, env, cfg, rt };
  }

  list(dir: string, name: string): NetworkConfigList {
    return loadNetworkConf(dir, name);
  }

  ok(g: GlobalOpts, text: string): void {
    if (g.output === 'human') this.io.stdout(`${text}\n`);
  }
}

// cnitool makes the netns path absolute (filepath.Abs) before using it.
const resolveNetns = (p: string): string => resolvePath(p);

function parseValid(spec: string, previous: AttachmentRef[] = []): AttachmentRef[] {
  const at = spec.lastIndexOf(':');
  if (at <= 0 || at === spec.length - 1) throw new Error(`--valid wants <containerID>:<ifname>, got ${JSON.stringify(spec)}`);
  return [...previous, { containerID: spec.slice(0, at), ifname: spec.slice(at + 1) }];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(io: ToolIO): Command {
  const tool = new Tool(io);
  const program = new Command('cnitool')
    .description('CNI Tool: runs a network configuration\'s plugins on a network namespace, the way a container runtime does')
    .option('-i, --ifname <name>', "interface name (defaults to env var CNI_IFNAME or 'eth0')")
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'human']).default('json'))
    .option('--cache-dir <dir>', 'result cache directory (default: env CNI_CACHE_DIR or /var/lib/cni)')
    .addHelpText('after', ENV_HELP)
    .showHelpAfterError('(use --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const verb = (name: string, summary: string, netnsRequired: boolean) =>
    program
      .command(name)
      .summary(summary)
      .argument('<network-name>', 'name of the network (the "name" in its config file)')
      .argument(netnsRequired ? '<netns>' : '[netns]', 'path of the network namespace, e.g. /var/run/netns/ns1')
      .addHelpText('after', ENV_HELP)
      .exitOverride()
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  verb('add', 'Add network interface to a network namespace', true)
    .description('Runs ADD on every plugin of the network in order, each given the previous result, caches the final result and prints it.')
    .action(async (net: string, netns: string, _o: unknown, cmd: Command) => {
      const { g, env, cfg, rt } = tool.context(cmd, netns);
      const r = await addNetworkList(cfg, tool.list(env.netconfPath, net), rt!);
      if (!r) return;
      io.stdout(g.output === 'human' ? `added ${rt!.ifname} of ${rt!.containerID} in ${rt!.netns} to network "${net}"\n${humanResult(r.result)}` : formatResult(r.result, r.version));
    });

  verb('check', 'Check network interface in a network namespace', true)
    .description('Runs CHECK on every plugin of the network in order, each given the cached ADD result (spec 0.4.0 and later).')
    .action(async (net: string, netns: string, _o: unknown, cmd: Command) => {
      const { g, env, cfg, rt } = tool.context(cmd, netns);
      await checkNetworkList(cfg, tool.list(env.netconfPath, net), rt!);
      tool.ok(g, `ok: ${rt!.ifname} of ${rt!.containerID} on network "${net}" checks out`);
    });

  verb('del', 'Delete network interface from a network namespace', true)
    .description('Runs DEL on every plugin of the network in reverse order, each given the cached ADD result; removes the cache entry when all succeed.')
    .action(async (net: string, netns: string, _o: unknown, cmd: Command) => {
      const { g, env, cfg, rt } = tool.context(cmd, netns);
      await delNetworkList(cfg, tool.list(env.netconfPath, net), rt!);
      tool.ok(g, `deleted ${rt!.ifname} of ${rt!.containerID} from network "${net}"`);
    });

  verb('gc', 'Garbage collect network interfaces', false)
    .description(
      'Runs DEL for every cached attachment of the network that is not listed as valid, then (spec 1.1.0+) GC on every plugin with the valid ' +
        'attachments. Without --valid/--valid-netns, like the reference cnitool, no attachment is valid and every one is cleaned up.',
    )
    .option('--valid <containerID:ifname>', 'an attachment to keep (repeatable)', parseValid)
    .option('--valid-netns <path>', "keep the attachment cnitool made in this netns, with the current ifname (repeatable)", collect)
    .action(async (net: string, _netns: string | undefined, o: { valid?: AttachmentRef[]; validNetns?: string[] }, cmd: Command) => {
      const { g, env, cfg } = tool.context(cmd, undefined);
      const fromNetns = (o.validNetns ?? []).map((p) => ({ containerID: containerIDFor(p), ifname: env.ifname }));
      const valid = o.valid || o.validNetns ? [...(o.valid ?? []), ...fromNetns] : undefined;
      await gcNetworkList(cfg, tool.list(env.netconfPath, net), valid);
      tool.ok(g, `gc done on network "${net}"${valid ? ` keeping ${valid.length} attachment(s)` : ''}`);
    });

  verb('status', 'Get status of network interfaces', false)
    .description('Runs STATUS on every plugin of the network (spec 1.1.0+; older configs report ready), stopping at the first that is not ready.')
    .action(async (net: string, _netns: string | undefined, _o: unknown, cmd: Command) => {
      const { g, env, cfg } = tool.context(cmd, undefined);
      await statusNetworkList(cfg, tool.list(env.netconfPath, net));
      tool.ok(g, `network "${net}" is ready`);
    });

  const netns = program
    .command('netns')
    .summary('Create or delete a named network namespace (in /var/run/netns)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  netns
    .command('create')
    .description('Creates /var/run/netns/<name> and prints its path')
    .argument('<name>')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((name: string) => io.stdout(`${createNetns(name)}\n`));
  netns
    .command('delete')
    .description('Deletes /var/run/netns/<name>')
    .argument('<name>')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((name: string) => deleteNetns(name));

  return program;
}

/** Runs cnitool with `argv` (without the program name); returns the exit code. */
export async function runCnitool(argv: readonly string[], io: ToolIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    io.stderr(`${errorText(err)}\n`);
    return 1;
  }
}
