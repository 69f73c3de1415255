// Writes what one process recorded: the log lines, then the metrics update. Loaded only when
// logs or metrics are on, and then as soon as the verb first waits, when it also runs its code
// once (warmUp): JavaScriptCore runs a function much faster from its second call on (the
// rendering of the metrics, 100 us the first time, 16 us the next), and a plugin process makes
// only one call.
import { appendLines, operationLines } from './log.ts';
import { foldMetrics, snapshotMetrics, stateOf, updateMetrics, type Finished, type Snapshot } from './metrics.ts';
import { loadAddon } from '../native/index.ts';
import type { Settings } from './settings.ts';

export interface Pending extends Finished {
  readonly level: Settings['logLevel'];
}

/** Appends the log lines and updates the metrics file (`seen`: as warmUp read it); a failure of
 *  either is swallowed. */
export function write(settings: Settings, all: readonly Pending[], seen?: Snapshot): void {
  const { logFile, metricsDir } = settings;
  try {
    if (logFile !== undefined) {
      const now = new Date();
      let text = '';
      for (const p of all) text += operationLines(p.record, p.level, now);
      if (text) appendLines(logFile, text);
    }
  } catch {
    // A log that cannot be written must not cost the operation anything.
  }
  try {
    if (metricsDir !== undefined) updateMetrics(metricsDir, all, Date.now() / 1000, seen);
  } catch {
    // Nor metrics that cannot.
  }
}

/** `write`'s work for `sample` (an operation as it stands) without its effects: the log gets an
 *  empty append (made if missing), the metrics file is read without the lock and folded into a
 *  copy, nothing is written. Returns the metrics file as read, for `write`. The native addon is
 *  loaded. */
export function warmUp(settings: Settings, sample: Pending): Snapshot | undefined {
  loadAddon('native');
  if (settings.logFile !== undefined) {
    operationLines(sample.record, 'debug', new Date());
    appendLines(settings.logFile, '');
  }
  if (settings.metricsDir === undefined) return undefined;
  const seen = snapshotMetrics(settings.metricsDir);
  foldMetrics(stateOf(seen.text), [sample], 0);
  return seen;
}
