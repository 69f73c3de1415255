import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { childEnv, parseTraceparent, randomHex, startSpan } from '../../../lib/obs/trace.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

test('a valid traceparent names the parent; a later version may append fields', () => {
  assert.equal(parseTraceparent(`00-${TRACE}-${SPAN}-01`), { traceID: TRACE, spanID: SPAN, flags: '01' });
  assert.equal(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-the-future-holds`), { traceID: TRACE, spanID: SPAN, flags: '01' });
});

test('invalid traceparents are ignored, never an error', () => {
  for (const bad of [
    undefined,
    '',
    'garbage',
    `ff-${TRACE}-${SPAN}-01`,
    `00-${TRACE}-${SPAN}-01-extra`,
    `00-${'0'.repeat(32)}-${SPAN}-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `00-${TRACE.toUpperCase()}-${SPAN}-01`,
    `00-${TRACE.slice(1)}-${SPAN}-01`,
    `00-${TRACE}-${SPAN}-1`,
  ]) {
    assert.is(parseTraceparent(bad), undefined, String(bad));
  }
});

test('a span is a child of TRACEPARENT, keeps TRACESTATE, and is handed on as the delegate parent', () => {
  const ctx = startSpan({ TRACEPARENT: `00-${TRACE}-${SPAN}-01`, TRACESTATE: 'vendor=x' });
  assert.is(ctx.traceID, TRACE);
  assert.is(ctx.parentSpanID, SPAN);
  assert.match(ctx.spanID, /^[0-9a-f]{16}$/);
  assert.is.not(ctx.spanID, SPAN);
  assert.equal(childEnv(ctx), { TRACEPARENT: `00-${TRACE}-${ctx.spanID}-01`, TRACESTATE: 'vendor=x' });
});

test('without a valid TRACEPARENT a new trace starts, and TRACESTATE is dropped with it', () => {
  const ctx = startSpan({ TRACEPARENT: 'nope', TRACESTATE: 'vendor=x' });
  assert.match(ctx.traceID, /^[0-9a-f]{32}$/);
  assert.is(ctx.parentSpanID, undefined);
  assert.equal(childEnv(ctx), { TRACEPARENT: `00-${ctx.traceID}-${ctx.spanID}-00` });
});

test('random IDs have the asked length and are never all zero', () => {
  for (let i = 0; i < 50; i++) {
    assert.match(randomHex(8), /^[0-9a-f]{16}$/);
    assert.match(randomHex(16), /^[0-9a-f]{32}$/);
  }
});

test.run();
