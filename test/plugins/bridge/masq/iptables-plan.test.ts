// ipMasq's iptables planning against the reference's exact rules and chain names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIptablesSave } from '../../../../lib/firewall/iptables.ts';
import { missingMasqRules, planMasqGc, planMasqSetup, planMasqTeardown, planMasqTeardownExact } from '../../../../plugins/bridge/masq/iptables-plan.ts';
import { masqAddresses } from '../../../../plugins/bridge/firewall.ts';

// ---------------------------------------------------------------------------------------------
const EMPTY_NAT = parseIptablesSave('*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n');

const CHAIN = 'CNI-e7f74f5d8b187092b2c2b1cc';

 // the reference vector for testConfig + dummy
const COMMENT = '"name: \\"testConfig\\" id: \\"dummy\\""';

test('planMasqSetup: the reference chain, rules and comment, in iptables-save form', () => {
  const s = planMasqSetup(EMPTY_NAT, 'testConfig', 'dummy', masqAddresses([{ address: '10.1.2.2/24' }]));
  assert.is(
    s,
    [
      '*nat',
      `-N ${CHAIN}`,
      `-A ${CHAIN} -d 10.1.2.0/24 -m comment --comment ${COMMENT} -j ACCEPT`,
      `-A ${CHAIN} ! -d 224.0.0.0/4 -m comment --comment ${COMMENT} -j MASQUERADE`,
      `-A POSTROUTING -s 10.1.2.2/32 -m comment --comment ${COMMENT} -j ${CHAIN}`,
      'COMMIT',
      '',
    ].join('\n'),
  );
  const v6 = planMasqSetup(EMPTY_NAT, 'testConfig', 'dummy', masqAddresses([{ address: '2001:db8::2/64' }]));
  assert.match(v6, `! -d ff00::/8 -m comment`);
  assert.match(v6, `-A POSTROUTING -s 2001:db8::2/128 `);
});

test('planMasqTeardownExact deletes exactly the jumps ADD made, then the chain; nothing without addresses', () => {
  assert.is(
    planMasqTeardownExact('testConfig', 'dummy', masqAddresses([{ address: '10.1.2.2/24' }])),
    ['*nat', `-D POSTROUTING -s 10.1.2.2/32 -m comment --comment ${COMMENT} -j ${CHAIN}`, `-F ${CHAIN}`, `-X ${CHAIN}`, 'COMMIT', ''].join('\n'),
  );
  assert.is(planMasqTeardownExact('testConfig', 'dummy', []), '');
});

const savedWith = (extra: string): ReturnType<typeof parseIptablesSave> =>
  parseIptablesSave(`*nat\n:POSTROUTING ACCEPT [0:0]\n:${CHAIN} - [0:0]\n${extra}COMMIT\n`);

const ADDED = [
  `-A POSTROUTING -s 10.1.2.2/32 -m comment --comment ${COMMENT} -j ${CHAIN}`,
  `-A ${CHAIN} -d 10.1.2.0/24 -m comment --comment ${COMMENT} -j ACCEPT`,
  `-A ${CHAIN} ! -d 224.0.0.0/4 -m comment --comment ${COMMENT} -j MASQUERADE`,
].join('\n') + '\n';

test('planMasqSetup adds nothing that is there (AppendUnique), and puts a new ACCEPT before MASQUERADE', () => {
  const have = savedWith(ADDED);
  assert.is(planMasqSetup(have, 'testConfig', 'dummy', masqAddresses([{ address: '10.1.2.2/24' }])), '');
  const more = planMasqSetup(have, 'testConfig', 'dummy', masqAddresses([{ address: '10.9.0.3/16' }]));
  assert.is(more, `*nat\n-I ${CHAIN} 1 -d 10.9.0.0/16 -m comment --comment ${COMMENT} -j ACCEPT\n-A POSTROUTING -s 10.9.0.3/32 -m comment --comment ${COMMENT} -j ${CHAIN}\nCOMMIT\n`);
  assert.equal(missingMasqRules(have, 'testConfig', 'dummy', masqAddresses([{ address: '10.1.2.2/24' }])), []);
  assert.is(missingMasqRules(EMPTY_NAT, 'testConfig', 'dummy', masqAddresses([{ address: '10.1.2.2/24' }])).length, 3);
});

test('planMasqTeardown removes the jump, the legacy jump and the chain; by chain name when no address is known (#810)', () => {
  const legacy = `-A POSTROUTING -s 10.1.2.0/24 -m comment --comment ${COMMENT} -j ${CHAIN}\n`;
  const have = savedWith(ADDED + legacy);
  const expected = [
    '*nat',
    `-D POSTROUTING -s 10.1.2.2/32 -m comment --comment ${COMMENT} -j ${CHAIN}`,
    `-D POSTROUTING -s 10.1.2.0/24 -m comment --comment ${COMMENT} -j ${CHAIN}`,
    `-F ${CHAIN}`,
    `-X ${CHAIN}`,
    'COMMIT',
    '',
  ].join('\n');
  assert.is(planMasqTeardown(have, 'testConfig', 'dummy', masqAddresses([{ address: '10.1.2.2/24' }])), expected);
  assert.is(planMasqTeardown(have, 'testConfig', 'dummy', []), expected);
  assert.is(planMasqTeardown(EMPTY_NAT, 'testConfig', 'dummy', []), '');
});

test('planMasqTeardown keeps the chain while another interface of the container still jumps to it', () => {
  const other = `-A POSTROUTING -s 10.1.2.3/32 -m comment --comment ${COMMENT} -j ${CHAIN}\n-A ${CHAIN} -d 10.1.3.0/24 -m comment --comment ${COMMENT} -j ACCEPT\n`;
  const s = planMasqTeardown(savedWith(ADDED + other), 'testConfig', 'dummy', masqAddresses([{ address: '10.1.2.2/24' }]));
  assert.is(s, `*nat\n-D POSTROUTING -s 10.1.2.2/32 -m comment --comment ${COMMENT} -j ${CHAIN}\n-D ${CHAIN} -d 10.1.2.0/24 -m comment --comment ${COMMENT} -j ACCEPT\nCOMMIT\n`);
});

test('planMasqGc removes the chains of containers not kept, only of this network', () => {
  const have = savedWith(ADDED);
  assert.is(planMasqGc(have, 'testConfig', new Set(['dummy'])), '');
  assert.is(planMasqGc(have, 'otherNet', new Set()), '');
  const s = planMasqGc(have, 'testConfig', new Set());
  assert.is(s, `*nat\n-D POSTROUTING -s 10.1.2.2/32 -m comment --comment ${COMMENT} -j ${CHAIN}\n-F ${CHAIN}\n-X ${CHAIN}\nCOMMIT\n`);
});

test.run();
