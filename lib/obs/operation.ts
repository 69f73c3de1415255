// The recording observer of one plugin invocation, loaded only when logs or metrics are on:
// it collects what the verb reports, and once the verb is done writes the log lines and
// updates the metrics file. Nothing here may fail or hold up the operation: every error of its
// own is swallowed.
import type { CniError } from '../cni/errors.ts';
import { appendLines, operationLines, type OperationRecord, type Step } from './log.ts';
import { updateMetrics, type Finished } from './metrics.ts';
import type { Observer, Sample } from './observer.ts';
import type { Settings } from './settings.ts';
import { childEnv, randomHex, startSpan, type TraceContext } from './trace.ts';

/** Who the operation was for, from the raw environment and config (either may be invalid). */
export interface Identity {
  readonly plugin: string;
  readonly command: string;
  readonly network: string;
  readonly containerID: string;
  readonly ifname: string;
  readonly netns: string;
}

interface Pending extends Finished {
  readonly level: Settings['logLevel'];
}

/**
 * The first operation of this process. A plugin run in-process by it (bridge's IPAM) hands its
 * record over when it logs and counts to the same places, and the outer one writes both in one
 * append and one metrics update.
 */
let outer: Operation | undefined;

export class Operation implements Observer {
  readonly on = true;
  readonly metrics: boolean;
  readonly traceEnv: Readonly<Record<string, string>>;
  private readonly trace: TraceContext;
  private readonly facts: Record<string, unknown> = {};
  private readonly warnings: string[] = [];
  private readonly steps: Step[] = [];
  private readonly samples: Sample[] = [];
  private readonly joined: Pending[] = [];
  private readonly settings: Settings;
  private readonly who: Identity;
  private readonly startedAt: number;

  constructor(settings: Settings, who: Identity, env: Readonly<Record<string, string | undefined>>, startedAt: number) {
    this.settings = settings;
    this.who = who;
    this.startedAt = startedAt;
    this.metrics = settings.metricsDir !== undefined;
    this.trace = startSpan(env);
    this.traceEnv = childEnv(this.trace);
    outer ??= this;
  }

  did(facts: Readonly<Record<string, unknown>>): void {
    for (const [k, v] of Object.entries(facts)) {
      const had = this.facts[k];
      this.facts[k] = Array.isArray(had) && Array.isArray(v) ? [...had, ...v] : v;
    }
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  step(name: string): () => void {
    if (this.settings.logLevel !== 'debug' || this.settings.logFile === undefined) return () => {};
    const start = performance.now();
    return () => void this.steps.push({ name, spanID: randomHex(8), ms: performance.now() - start, at: Date.now() });
  }

  sample(s: Sample): void {
    if (this.metrics) this.samples.push(s);
  }

  /** Writes the log lines and the metrics; `error` is the operation's failure, if any. */
  finish(error: CniError | undefined): void {
    const record: OperationRecord = {
      ...this.who,
      ms: performance.now() - this.startedAt,
      error,
      trace: this.trace,
      did: this.facts,
      warnings: this.warnings,
      steps: this.steps,
    };
    const mine: Pending = { record, samples: this.samples, level: this.settings.logLevel };
    const { logFile, metricsDir } = this.settings;
    if (outer !== undefined && outer !== this && outer.settings.logFile === logFile && outer.settings.metricsDir === metricsDir) {
      outer.joined.push(mine);
      return;
    }
    if (outer === this) outer = undefined;
    const all = [...this.joined, mine];
    try {
      if (logFile !== undefined) {
        const now = new Date();
        const text = all.map((p) => operationLines(p.record, p.level, now)).join('');
        if (text) appendLines(logFile, text);
      }
    } catch {
      // A log that cannot be written must not cost the operation anything.
    }
    try {
      if (metricsDir !== undefined) updateMetrics(metricsDir, all, Date.now() / 1000);
    } catch {
      // Nor metrics that cannot.
    }
  }
}
