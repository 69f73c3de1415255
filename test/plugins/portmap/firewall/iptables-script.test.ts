// The iptables-restore scripts built from a plan: fast and slow ADD and DEL, CHECK.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIptablesSave } from '../../../../lib/firewall/iptables.ts';
import { planIptables } from '../../../../plugins/portmap/firewall/iptables-plan.ts';
import { checkScript, fastAddScript, fastDelScript, slowAddScript, slowDelScript, delTargets } from '../../../../plugins/portmap/firewall/iptables-script.ts';
import { ruleText } from '../../../../lib/firewall/iptables-text.ts';
import type { ForwardSpec } from '../../../../plugins/portmap/firewall/types.ts';
import { V4 } from '../../../helpers/portmap-fixtures.ts';

const small = (): ForwardSpec => ({
  attachment: { network: 'net', containerID: 'c1', ifname: 'eth0' },
  options: { snat: true, masqAll: false, markMasqBit: 13 },
  mappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
  ip: V4,
});

test('fastAddScript: -N the chain, fill it, append the entry rule', () => {
  const p = planIptables(small());
  assert.is(
    fastAddScript(p),
    [
      '*nat',
      `-N ${p.chain}`,
      `-A ${p.chain} -p tcp --dport 8080 -s 10.0.0.2/24 -j CNI-HOSTPORT-SETMARK`,
      `-A ${p.chain} -p tcp --dport 8080 -s 127.0.0.1 -j CNI-HOSTPORT-SETMARK`,
      `-A ${p.chain} -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80`,
      `-A CNI-HOSTPORT-DNAT -m comment --comment "dnat name: \\"net\\" id: \\"c1\\"" -m multiport -p tcp --destination-ports 8080 -j ${p.chain}`,
      'COMMIT',
      '',
    ].join('\n'),
  );
});

test('slowAddScript on an empty nat table: every shared chain and rule, the POSTROUTING jump first', () => {
  const p = planIptables(small());
  const empty = parseIptablesSave('*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n');
  assert.is(
    slowAddScript(p, empty),
    [
      '*nat',
      ':CNI-HOSTPORT-SETMARK - [0:0]',
      '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
      ':CNI-HOSTPORT-MASQ - [0:0]',
      '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
      '-I POSTROUTING 1 -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
      ':CNI-HOSTPORT-DNAT - [0:0]',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      `:${p.chain} - [0:0]`,
      ...fastAddScript(p).split('\n').slice(2, -2),
      'COMMIT',
      '',
    ].join('\n'),
  );
});

const SAVED = (chain: string): string => `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:${chain} - [0:0]
:CNI-HOSTPORT-DNAT - [0:0]
:CNI-HOSTPORT-MASQ - [0:0]
:CNI-HOSTPORT-SETMARK - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
-A ${chain} -s 10.0.0.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"net\\" id: \\"c1\\"" -m multiport --dports 8080 -j ${chain}
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"net\\" id: \\"c2\\"" -m multiport --dports 9090 -j CNI-DN-other
-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
COMMIT
`;

test('slowAddScript on a re-ADD: shared parts left alone, old entry rule deleted verbatim, chain redeclared', () => {
  const p = planIptables(small());
  const lines = slowAddScript(p, parseIptablesSave(SAVED(p.chain))).split('\n');
  assert.equal(lines.slice(0, 3), [
    '*nat',
    `-D CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"net\\" id: \\"c1\\"" -m multiport --dports 8080 -j ${p.chain}`,
    `:${p.chain} - [0:0]`,
  ]);
});

test('fastDelScript and slowDelScript', () => {
  const p = planIptables(small());
  assert.is(fastDelScript(p.chain, p.entryRules), `*nat\n-D CNI-HOSTPORT-DNAT ${ruleText(p.entryRules[0]!)}\n-F ${p.chain}\n-X ${p.chain}\nCOMMIT\n`);
  const saved = parseIptablesSave(SAVED(p.chain));
  assert.is(
    slowDelScript(saved, delTargets(p.chain, 'CNI-SN-x')),
    `*nat\n-D CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"net\\" id: \\"c1\\"" -m multiport --dports 8080 -j ${p.chain}\n-F ${p.chain}\n-X ${p.chain}\nCOMMIT\n`,
  );
  assert.is(slowDelScript(saved, delTargets('CNI-DN-gone', 'CNI-SN-gone')), undefined);
});

test('checkScript: -C for every rule then every entry rule', () => {
  const p = planIptables(small());
  const c = checkScript(p);
  assert.is(c.lines.length, 4);
  assert.ok(c.text.split('\n').slice(1, 5).every((l) => l.startsWith('-C ')));
});

test.run();
