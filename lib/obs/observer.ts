// What a verb may tell about its operation: what it did (for the log line), how long its steps
// took (debug lines), and samples for the metrics file. With neither logs nor metrics on, every
// request carries OFF, whose methods do nothing, so verbs never test whether anything listens.

/** One metrics sample a verb knows of. */
export type Sample =
  /** host-local: every range of the network, as it stands after the operation. */
  | { readonly kind: 'ipam'; readonly network: string; readonly ranges: readonly RangeUsage[] }
  /** portmap: an attachment's mappings on a backend after ADD; 0 after DEL. */
  | { readonly kind: 'portmap'; readonly network: string; readonly backend: string; readonly attachment: string; readonly mappings: number }
  /** portmap GC: the network's attachments that may keep mappings. */
  | { readonly kind: 'portmap-keep'; readonly network: string; readonly keep: readonly string[] }
  /** GC: how many things of a kind it released. */
  | { readonly kind: 'released'; readonly what: string; readonly count: number };

export interface RangeUsage {
  /** "start-end", as the reference prints a range. */
  readonly range: string;
  readonly allocated: number;
  readonly capacity: number;
}

export interface Observer {
  /** Whether logs or metrics are on: a verb looks up a fact it would not need otherwise only then. */
  readonly on: boolean;
  /** Facts for the operation's log line ("did"); arrays under one key are concatenated. */
  did(facts: Readonly<Record<string, unknown>>): void;
  /** A warning: the operation succeeded, but something was only logged. */
  warn(message: string): void;
  /** Starts a step; calling what it returns ends it (one debug line with its duration). */
  step(name: string): () => void;
  /** A costly sample is given as a function: the observer calls it only when it keeps metrics,
   *  once the plugin first waits on something or else at the end, outside the caller's locks. */
  sample(s: Sample | (() => Sample)): void;
  /** What a delegated plugin's environment must override so that its spans are children of ours. */
  readonly traceEnv: Readonly<Record<string, string>>;
}

const nothing = (): void => {};

export const OFF: Observer = {
  on: false,
  did: nothing,
  warn: nothing,
  step: () => nothing,
  sample: nothing,
  traceEnv: {},
};
