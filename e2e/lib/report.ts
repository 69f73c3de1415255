// Steps with timings, a failure that stops the scenario, and the runtime's logs printed with it.
import { indent } from './proc.ts';

export class StepFailure extends Error {}

export class Scenario {
  readonly name: string;
  readonly started = Date.now();
  passed = 0;
  failed: string[] = [];
  /** Called once after the first failure, to print what the runtime said. */
  private readonly logDumpers: (() => Promise<string>)[] = [];

  constructor(name: string) {
    this.name = name;
  }

  log(msg: string): void {
    console.log(`[${this.name}] ${msg}`);
  }

  onFailureShow(dump: () => Promise<string>): void {
    this.logDumpers.push(dump);
  }

  /** Runs one step; a throw marks it failed and is re-thrown as StepFailure so the scenario stops. */
  async step<T>(title: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      const v = await fn();
      this.passed++;
      this.log(`ok   ${title} (${Date.now() - t0} ms)`);
      return v;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.failed.push(title);
      this.log(`FAIL ${title} (${Date.now() - t0} ms)\n${indent(msg)}`);
      await this.dumpLogs();
      throw new StepFailure(title, { cause: err });
    }
  }

  /** A check that is reported but does not stop the scenario (used in cleanup). */
  async check(title: string, fn: () => Promise<void>): Promise<void> {
    try {
      await this.step(title, fn);
    } catch {
      // already reported
    }
  }

  private dumped = false;
  async dumpLogs(): Promise<void> {
    if (this.dumped) return;
    this.dumped = true;
    for (const d of this.logDumpers) {
      try {
        console.log(indent(await d(), `[${this.name}] | `));
      } catch (err) {
        console.log(`[${this.name}] (could not collect logs: ${(err as Error).message})`);
      }
    }
  }

  get ok(): boolean {
    return this.failed.length === 0;
  }

  summary(): string {
    const s = ((Date.now() - this.started) / 1000).toFixed(1);
    return this.ok
      ? `${this.name}: PASS, ${this.passed} steps in ${s} s`
      : `${this.name}: FAIL (${this.failed.join('; ')}), ${this.passed} steps passed, ${s} s`;
  }
}

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}
