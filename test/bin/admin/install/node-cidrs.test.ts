// Reading a Node object's pod CIDRs; the API conversation itself is tested against a local TLS
// server by test/bin/admin/install.node-cidrs.integration.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { podCidrsOf } from '../../../../bin/admin/install/node-cidrs.ts';

test('podCidrsOf: spec.podCIDRs first, then the single spec.podCIDR, else none', () => {
  assert.equal(podCidrsOf({ spec: { podCIDR: '10.1.0.0/24', podCIDRs: ['10.1.0.0/24', 'fd00::/64'] } }), ['10.1.0.0/24', 'fd00::/64']);
  assert.equal(podCidrsOf({ spec: { podCIDR: '10.1.0.0/24' } }), ['10.1.0.0/24']);
  assert.equal(podCidrsOf({ spec: { podCIDR: '10.1.0.0/24', podCIDRs: [] } }), ['10.1.0.0/24']);
  assert.equal(podCidrsOf({ spec: {} }), []);
  assert.equal(podCidrsOf({ spec: { podCIDR: '' } }), []);
  assert.equal(podCidrsOf({}), []);
  assert.equal(podCidrsOf(null), []);
});

test.run();
