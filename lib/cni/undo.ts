// The undo stack of an ADD (bridge, portmap): each step that changed something pushes how to take
// it back; a failure runs them in reverse, every one of them, and reports those that failed too.
import { combineErrors } from './errors.ts';

export class UndoStack {
  readonly #steps: { what: string; fn: () => Promise<void> | void }[] = [];

  push(what: string, fn: () => Promise<void> | void): void {
    this.#steps.push({ what, fn });
  }

  /** Runs every step in reverse order; returns the failures, each named by its step. */
  async #unwind(): Promise<Error[]> {
    const errors: Error[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step.fn();
      } catch (err) {
        errors.push(new Error(`undo ${step.what}: ${(err as Error).message}`, { cause: err }));
      }
    }
    return errors;
  }

  /** Unwinds, then throws what failed: a lone error as it is, several as one. */
  async rollback(failures: readonly unknown[]): Promise<never> {
    const all = [...failures, ...(await this.#unwind())];
    throw all.length === 1 ? all[0] : combineErrors(all);
  }
}
