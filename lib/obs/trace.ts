// W3C trace context (https://www.w3.org/TR/trace-context/) as libcni passes it to plugins:
// TRACEPARENT names the caller's trace and span, TRACESTATE and BAGGAGE ride along unread. An
// invalid TRACEPARENT is ignored (a new trace is started), never an error.

export interface TraceContext {
  readonly traceID: string;
  /** This operation's own span. */
  readonly spanID: string;
  /** The caller's span, when TRACEPARENT named one. */
  readonly parentSpanID?: string;
  readonly flags: string;
  /** TRACESTATE, kept only with a valid TRACEPARENT (the spec ties them together). */
  readonly state?: string;
}

/** Whether `s` is `length` lowercase hex digits, and not all zero unless `zeroOK`. A loop: a
 *  regex costs its compilation in a process that checks one header. */
function isHex(s: string, length: number, zeroOK: boolean): boolean {
  if (s.length !== length) return false;
  let zero = true;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
    if (c !== 48) zero = false;
  }
  return zeroOK || !zero;
}

/** The parent named by a traceparent header, or undefined when it is malformed. A version
 *  above 00 may append fields after the flags; version ff is forbidden. */
export function parseTraceparent(text: string | undefined): { traceID: string; spanID: string; flags: string } | undefined {
  if (text === undefined) return undefined;
  const parts = text.trim().split('-');
  if (parts.length < 4) return undefined;
  const [version, traceID, spanID, flags] = parts as [string, string, string, string];
  if (!isHex(version, 2, true) || version === 'ff') return undefined;
  if (version === '00' && parts.length !== 4) return undefined;
  if (!isHex(traceID, 32, false) || !isHex(spanID, 16, false) || !isHex(flags, 2, true)) return undefined;
  return { traceID, spanID, flags };
}

const DIGITS = '0123456789abcdef';

/** `n` random bytes as hex, never all zero. Math.random is enough: IDs must be unique, not
 *  secret, and node:crypto would cost every logging invocation its load. One plain loop: this
 *  runs once a process, where each builtin called for the first time costs microseconds. */
export function randomHex(bytes: number): string {
  let out = '';
  let zero = true;
  for (let i = 0; i < bytes * 2; i++) {
    const d = (Math.random() * 16) | 0;
    if (d !== 0) zero = false;
    out += DIGITS[d];
  }
  return zero ? randomHex(bytes) : out;
}

/** This operation's context: a child span of TRACEPARENT's, or the root of a new trace. */
export function startSpan(env: Readonly<Record<string, string | undefined>>): TraceContext {
  const parent = parseTraceparent(env.TRACEPARENT);
  const spanID = randomHex(8);
  if (!parent) return { traceID: randomHex(16), spanID, flags: '00' };
  const state = env.TRACESTATE;
  const ctx = { traceID: parent.traceID, spanID, parentSpanID: parent.spanID, flags: parent.flags };
  return state === undefined ? ctx : { ...ctx, state };
}

/** The environment a delegated plugin gets so that its spans are children of ours. BAGGAGE
 *  passes through untouched with the rest of the environment. */
export function childEnv(ctx: TraceContext): Record<string, string> {
  const TRACEPARENT = `00-${ctx.traceID}-${ctx.spanID}-${ctx.flags}`;
  return ctx.state === undefined ? { TRACEPARENT } : { TRACEPARENT, TRACESTATE: ctx.state };
}
