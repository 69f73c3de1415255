// Reading verdict-map elements back from `nft -j` output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listedElements } from '../../../../plugins/portmap/firewall/nft.ts';

test('listedElements: keys and targets from nft -j output', () => {
  const objs = [
    { map: { name: 'hostports_vmap', elem: [[{ concat: ['tcp', 8080] }, { goto: { target: 'dn-a' } }]] } },
    { map: { name: 'masquerading_vmap', elem: [['10.0.0.2', { goto: { target: 'masq-a' } }]] } },
    { chain: { name: 'x' } },
  ];
  assert.equal(listedElements(objs as unknown as Parameters<typeof listedElements>[0]), [
    { key: { map: 'hostports_vmap', text: 'tcp . 8080' }, target: 'dn-a' },
    { key: { map: 'masquerading_vmap', text: '10.0.0.2' }, target: 'masq-a' },
  ]);
});

test.run();
