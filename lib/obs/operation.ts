// The recording observer of one plugin invocation with logs or metrics on: it collects what the
// verb reports, and once the verb is done has write.ts write the log lines and update the
// metrics file. That module, and the first run of its code, cost a process about 0.4 ms: it is
// loaded and run once on sample data as soon as the verb first waits (on a firewall tool, the
// kernel), so that little of it is left for the end. Nothing here may fail or hold up the
// operation: every error of its own is swallowed.
import type { CniError } from '../cni/errors.ts';
import type { Step } from './log.ts';
import type { Observer, Sample } from './observer.ts';
import type { Settings } from './settings.ts';
import { childEnv, randomHex, startSpan, type TraceContext } from './trace.ts';
import type { Snapshot } from './metrics.ts';
import type { Pending } from './write.ts';

/** Who the operation was for, from the raw environment and config (either may be invalid). */
export interface Identity {
  readonly plugin: string;
  readonly command: string;
  readonly network: string;
  readonly containerID: string;
  readonly ifname: string;
  readonly netns: string;
}

type Env = Readonly<Record<string, string | undefined>>;

type Writer = typeof import('./write.ts');
let loaded: Writer | undefined;
const writer = async (): Promise<Writer> => (loaded ??= await import('./write.ts'));

/** A sample, or the function that makes it (see Observer.sample). */
type Later = Sample | (() => Sample);

/** An operation's record with its samples not made yet. */
interface Recorded extends Omit<Pending, 'samples'> {
  readonly samples: Later[];
}

/** Makes the samples given as functions, in place; one that fails is dropped. */
function settle(r: Recorded): Pending {
  const samples = r.samples;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i]!;
    if (typeof s !== 'function') continue;
    try {
      samples[i] = s();
    } catch {
      samples.splice(i, 1);
    }
  }
  return r as Pending;
}

/** The observer of one operation, and the end of it. */
export interface Operation extends Observer {
  /** Writes the log lines and the metrics; `error` is the operation's failure, if any. */
  finish(error: CniError | undefined): Promise<void>;
}

/** What `outer` needs of an operation that runs in-process inside it. */
interface Outer {
  readonly settings: Settings;
  /** The records to write, each made when first asked for (see `once`). */
  readonly joined: (() => Recorded)[];
}

/** `make`'s value, made on the first call only. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/**
 * The first operation of this process. A plugin run in-process by it (bridge's IPAM) hands its
 * record over when it logs and counts to the same places, and the outer one writes both in one
 * append and one metrics update.
 */
let outer: Outer | undefined;

/**
 * Starts recording an operation. A closure rather than a class: a class's definition and first
 * instance cost a process 50-70 us, its definition even with logs and metrics off.
 */
export function startOperation(settings: Settings, identify: () => Identity, env: Env, startedAt: number): Operation {
  const facts: Record<string, unknown> = {};
  const warnings: string[] = [];
  const steps: Step[] = [];
  const samples: Later[] = [];
  const mine: Outer = { settings, joined: [] };
  const metrics = settings.metricsDir !== undefined;
  let who: Identity | undefined;
  let seen: Snapshot | undefined;
  let span: TraceContext | undefined;
  let finished = false;
  outer ??= mine;

  const trace = (): TraceContext => (span ??= startSpan(env));

  const record = (error: CniError | undefined, endedAt = performance.now()): Recorded => {
    who ??= identify();
    return {
      record: {
        plugin: who.plugin,
        command: who.command,
        network: who.network,
        containerID: who.containerID,
        ifname: who.ifname,
        netns: who.netns,
        ms: endedAt - startedAt,
        error,
        trace: trace(),
        did: facts,
        warnings,
        steps,
      },
      samples,
      level: settings.logLevel,
    };
  };

  /** Makes the samples so far, loads the writer and runs its code once on this operation as it
   *  stands, writing nothing. */
  const prepare = async (): Promise<void> => {
    try {
      const { warmUp } = await writer();
      if (finished) return;
      for (const r of mine.joined) settle(r());
      seen = warmUp(settings, settle(record(undefined)));
    } catch {
      // Only time is lost: finish loads it again.
    }
  };

  // Runs at the first turn of the event loop, i.e. when the verb first waits; never, if it does
  // not (the process exits right after finish).
  if (outer === mine) setImmediate(() => void prepare());

  return {
    on: true,
    get traceEnv() {
      return childEnv(trace());
    },
    did(more) {
      for (const k in more) {
        const v = more[k];
        const had = facts[k];
        facts[k] = Array.isArray(had) && Array.isArray(v) ? had.concat(v) : v;
      }
    },
    warn(message) {
      warnings.push(message);
    },
    step(name) {
      if (settings.logLevel !== 'debug' || settings.logFile === undefined) return () => {};
      const start = performance.now();
      return () => void steps.push({ name, spanID: randomHex(8), ms: performance.now() - start, at: Date.now() });
    },
    sample(s) {
      if (metrics) samples.push(s);
    },
    async finish(error) {
      finished = true;
      const endedAt = performance.now();
      const { logFile, metricsDir } = settings;
      if (outer !== undefined && outer !== mine && outer.settings.logFile === logFile && outer.settings.metricsDir === metricsDir) {
        // Made in the outer's prepare if it comes, off the critical path.
        outer.joined.push(once(() => record(error, endedAt)));
        return;
      }
      if (outer === mine) outer = undefined;
      const done = record(error, endedAt);
      mine.joined.push(() => done);
      try {
        (loaded ?? (await writer())).write(settings, mine.joined.map((r) => settle(r())), seen);
      } catch {
        // A log or metrics that cannot be written must not cost the operation anything.
      }
    },
  };
}
