// The assertions, as a pure function from a case, what the plugin did and what changed to the
// classes the case falls in. The failing classes:
//   crash: killed by a signal we did not send, or a JS stack frame ("    at f (file:1:2)",
//     "    at <anonymous>", "    at native"), an uncaught-error line ("TypeError: ...",
//     "Uncaught ..."), or a Bun crash banner ("panic(", "Bun has crashed", "error: " followed by
//     a frame) anywhere on stdout or stderr;
//   hang: not finished within the time limit (fuzz/run.ts reruns such a case alone and counts
//     it only if it hangs again);
//   bad error output: a non-zero exit whose stdout is not exactly one JSON object with an integer
//     `code` and a string `msg`, or exit 0 with an error object or non-JSON on stdout;
//   state left by a failed call: any snapshot part differs after a non-zero exit;
//   state changed by a successful non-ADD: a part differs after CHECK, GC, STATUS, VERSION, or a
//     DEL with nothing ADDed before it;
//   bad input accepted: exit 0 for an input the generator marks as refused by the Go plugins.
import type { FuzzCase } from './generate.ts';

export const CLASSES = ['crash', 'hang', 'bad error output', 'state left by a failed call', 'state changed by a successful non-ADD', 'bad input accepted'] as const;
export type Class = (typeof CLASSES)[number];
/** The classes `make fuzz` fails on without --strict. */
export const FATAL: readonly Class[] = ['crash', 'hang', 'bad error output'];

export interface Outcome {
  readonly exit: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface Verdict {
  readonly classes: readonly Class[];
  /** The error's code, when the plugin failed with a well-formed error. */
  readonly code: number | null;
  readonly succeeded: boolean;
  /** Why, for each class: shown with the case. */
  readonly reasons: readonly string[];
}

const FRAME = /^\s+at \S.*(:\d+(:\d+)?\)?|<anonymous>\)?|\[native code\]\)?|native)$/m;
const UNCAUGHT = /^(Uncaught )?(TypeError|ReferenceError|RangeError|SyntaxError|EvalError|URIError|InternalError|AggregateError)(:| \[)/m;
const BANNER = /panic\(|Bun has crashed|Segmentation fault|^error: .*\n(.*\n)*?\s+at /m;

export function crashSign(text: string): string | null {
  const m = FRAME.exec(text) ?? UNCAUGHT.exec(text) ?? BANNER.exec(text);
  return m ? m[0].split('\n')[0]!.trim() : null;
}

/** The error object on stdout, or why it is not one. */
export function parseError(stdout: string): { code: number; msg: string } | string {
  let v: unknown;
  try {
    v = JSON.parse(stdout);
  } catch {
    return stdout.trim() === '' ? 'empty stdout' : 'stdout is not one JSON value';
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'stdout is not a JSON object';
  const o = v as Record<string, unknown>;
  if (!Number.isInteger(o.code)) return `code is ${JSON.stringify(o.code)}`;
  if (typeof o.msg !== 'string') return `msg is ${JSON.stringify(o.msg)}`;
  return { code: o.code as number, msg: o.msg };
}

export function classify(c: Pick<FuzzCase, 'verb' | 'invalid' | 'setupStdin'>, o: Outcome, changed: Readonly<Record<string, readonly string[]>>): Verdict {
  const classes: Class[] = [];
  const reasons: string[] = [];
  const add = (k: Class, why: string): void => {
    if (!classes.includes(k)) classes.push(k);
    reasons.push(`${k}: ${why}`);
  };
  if (o.timedOut) add('hang', `no exit after ${o.ms} ms`);
  else if (o.signal !== null) add('crash', `killed by ${o.signal}`);
  const sign = crashSign(o.stdout) ?? crashSign(o.stderr);
  if (sign !== null) add('crash', sign);
  const succeeded = o.exit === 0 && !o.timedOut;
  let code: number | null = null;
  if (!o.timedOut && o.exit !== 0) {
    const e = parseError(o.stdout);
    if (typeof e === 'string') add('bad error output', `exit ${o.exit ?? o.signal}, ${e}`);
    else code = e.code;
  } else if (succeeded) {
    const out = o.stdout.trim();
    if (out !== '') {
      const e = parseError(out);
      if (typeof e !== 'string') add('bad error output', `exit 0 with an error object (code ${e.code})`);
      else if (e !== 'stdout is not a JSON object' && e.startsWith('stdout')) add('bad error output', `exit 0, ${e}`);
    }
  }
  const parts = Object.keys(changed);
  if (parts.length > 0 && !o.timedOut) {
    if (!succeeded) add('state left by a failed call', parts.join(', '));
    else if (c.verb !== 'ADD' && !(c.verb === 'DEL' && c.setupStdin !== null)) add('state changed by a successful non-ADD', parts.join(', '));
  }
  if (succeeded && c.invalid) add('bad input accepted', 'exit 0');
  return { classes, code, succeeded, reasons };
}
