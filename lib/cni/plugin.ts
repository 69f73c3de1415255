// What a plugin is: a name, a config parser and typed verb functions. lib/cni does all the
// reading, dispatching and printing; verbs only return data or throw.
import type { AttachmentRef } from './attachment.ts';
import type { Command, CmdEnv } from './env.ts';
import type { Observer } from '../obs/observer.ts';
import type { Result } from './result.ts';

/** A verb's input: the attachment it is for (the network is the config's name), and the rest of the call. */
export interface Request<C> extends AttachmentRef {
  readonly command: Command;
  readonly netns: string;
  /** CNI_ARGS, undecoded: each plugin declares the keys it understands. */
  readonly args: string;
  /** CNI_PATH split into directories. */
  readonly cniPath: readonly string[];
  /** The config exactly as received: delegated plugins get these bytes. */
  readonly stdin: Buffer;
  /** The whole environment, passed on unchanged (but CNI_COMMAND) to delegated plugins. */
  readonly environ: Readonly<Record<string, string | undefined>>;
  readonly config: C;
  /** Where the verb reports what it did, its steps and metrics samples; OFF when nothing listens. */
  readonly obs: Observer;
}

export interface Plugin<C> {
  readonly name: string;
  /** The config object holding this plugin's own logFile, logLevel and metricsDir when they are
   *  not at the top level (an IPAM plugin's `ipam`). */
  readonly settingsIn?: string;
  /** Decodes and validates stdin (already parsed as JSON) into the plugin's typed config. */
  parseConfig(raw: unknown, env: CmdEnv, command: Command): C;
  // A verb left undefined succeeds without doing anything, as the reference skel does.
  readonly add: (req: Request<C>) => Promise<Result>;
  readonly del?: (req: Request<C>) => Promise<void>;
  readonly check?: (req: Request<C>) => Promise<void>;
  readonly gc?: (req: Request<C>) => Promise<void>;
  readonly status?: (req: Request<C>) => Promise<void>;
}

/** A plugin of whatever config type: the registry only ever pairs a plugin's parseConfig with its
 *  own verbs, so the config type need not be known there. */
export type AnyPlugin = Plugin<any>;
