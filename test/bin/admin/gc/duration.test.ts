import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration, parseDuration } from '../../../../bin/admin/gc/duration.ts';
import { throwsMessage } from '../../../helpers/assert.ts';

test('parseDuration: Go-style units, summed', () => {
  for (const [text, ms] of [
    ['5m', 300_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['0s', 0],
  ] as const) {
    assert.is(parseDuration(text, '--x'), ms, text);
  }
});

test('parseDuration: anything else names the option', () => {
  for (const text of ['', '5', 'm', '5x', '5m ', '-1s', '1d']) throwsMessage(() => parseDuration(text, '--grace'), /^--grace: want a duration/);
});

test('formatDuration: short forms for log lines', () => {
  assert.is(formatDuration(850), '850ms');
  assert.is(formatDuration(0), '0ms');
  assert.is(formatDuration(252_000), '4m12s');
  assert.is(formatDuration(7_380_000), '2h3m');
  assert.is(formatDuration(60_000), '1m');
});

test.run();
