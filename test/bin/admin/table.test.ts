import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { colourWanted, columns, painter } from '../../../bin/admin/table.ts';

test('colourWanted: only on a terminal, and never with NO_COLOR', () => {
  assert.is(colourWanted({ isTTY: true }, {}), true);
  assert.is(colourWanted({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.is(colourWanted({ isTTY: false }, {}), false);
  assert.is(colourWanted({}, {}), false);
});

test('columns: each column padded to its widest cell, painted cells measured without their escapes', () => {
  const paint = painter(true);
  assert.equal(columns([['A', 'LONG HEADER', 'x'], [paint('red', 'bbb'), 'c', 'y']], '  '), ['  A    LONG HEADER  x', `  ${paint('red', 'bbb')}  c            y`]);
  assert.is(painter(false)('red', 'bbb'), 'bbb');
});

test.run();
