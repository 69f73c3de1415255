// Pod CIDRs: canonical networks of either family, and an error naming the text for anything else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePodCidr, parsePodCidrs } from '../../../../bin/admin/install/cidr.ts';

test('parsePodCidr: IPv4 and IPv6 networks, printed canonically', () => {
  assert.equal(parsePodCidr('10.244.1.0/24'), { family: 4, subnet: '10.244.1.0/24' });
  assert.equal(parsePodCidr('FD00:10:244:0001::/64'), { family: 6, subnet: 'fd00:10:244:1::/64' });
  assert.equal(parsePodCidr('10.0.0.0/30'), { family: 4, subnet: '10.0.0.0/30' });
});

test('parsePodCidr: refuses non-CIDRs, host bits and networks too small, naming the text', () => {
  const cases: [string, RegExp][] = [
    ['10.244.1.0', /"10.244.1.0" is not an IPv4 or IPv6 CIDR/],
    ['10.244.1.0/33', /"10.244.1.0\/33" is not/],
    ['banana', /"banana" is not/],
    ['', /"" is not/],
    ['10.244.1.5/24', /"10.244.1.5\/24" has host bits set \(the network is 10.244.1.0\/24\)/],
    ['10.0.0.0/31', /"10.0.0.0\/31" is too small/],
    ['fd00::/127', /"fd00::\/127" is too small/],
  ];
  for (const [text, msg] of cases) assert.throws(() => parsePodCidr(text), msg, text);
});

test('parsePodCidrs: keeps the order given and refuses overlaps, naming both', () => {
  assert.equal(
    parsePodCidrs(['fd00::/64', '10.1.0.0/16']).map((c) => c.subnet),
    ['fd00::/64', '10.1.0.0/16'],
  );
  assert.throws(() => parsePodCidrs(['10.1.0.0/16', 'fd00::/64', '10.1.2.0/24']), /"10.1.0.0\/16" and "10.1.2.0\/24" overlap/);
});

test.run();
