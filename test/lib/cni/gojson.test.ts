// Go's json.Marshal, as cnitool needs it: map keys sorted bytewise, HTML escaped, struct order kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goMarshal, inOrder } from '../../../lib/cni/gojson.ts';

test('goMarshal sorts map keys bytewise, escapes HTML, keeps struct order only where marked', () => {
  assert.is(goMarshal({ b: 1, a: { d: '<&>', c: [2, { z: 1, y: 2 }] } }), '{"a":{"c":[2,{"y":2,"z":1}],"d":"\\u003c\\u0026\\u003e"},"b":1}');
  assert.is(goMarshal(inOrder({ b: 1, a: { d: 1, c: 2 } })), '{"b":1,"a":{"c":2,"d":1}}');
  assert.is(goMarshal(inOrder({ b: 1, a: { d: 1, c: 2 } }, true)), '{"b":1,"a":{"d":1,"c":2}}');
  assert.is(goMarshal({ '10': 1, '9': 2, B: 3, a: 4 }), '{"10":1,"9":2,"B":3,"a":4}');
});

test.run();
