import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateIfname } from '../../../lib/cni/env.ts';
import { ifnameProblem } from '../../../lib/net/ifname.ts';
import { checkIfname } from '../../../lib/net/links.ts';

const NAMES = ['eth0', 'a23456789012345', 'a234567890123456', 'ééééééééé', '', '.', '..', 'a/b', 'a:b', 'a b', 'cni0.100'];

test('ifnameProblem: CNI_IFNAME and netlink refuse the same names', () => {
  for (const name of NAMES) {
    const problem = ifnameProblem(name);
    assert.is(validateIfname(name)?.message, problem?.message, name);
    let threw = false;
    try {
      checkIfname(name);
    } catch {
      threw = true;
    }
    assert.is(threw, problem !== undefined, name);
  }
});

test('ifnameProblem explains only the length limit', () => {
  assert.equal(ifnameProblem('x'.repeat(16)), { message: 'interface name is too long', details: 'interface name should be less than 16 characters' });
  assert.equal(ifnameProblem(''), { message: 'interface name is empty', details: '' });
});

test.run();
