// resolv.conf parsing as the reference does it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseResolvConfText } from '../../../ipam/host-local/resolvconf.ts';

test('parseResolvConfText: first nameserver field, last domain, every search and options field', () => {
  const text = '#c\n;c\n  nameserver 10.0.0.53 x\nnameserver\ndomain a\ndomain b\r\nsearch s1 s2\nsearch s3\noptions o1\noptions o2 o3\n';
  assert.equal(parseResolvConfText(text), { nameservers: ['10.0.0.53'], domain: 'b', search: ['s1', 's2', 's3'], options: ['o1', 'o2', 'o3'] });
  assert.equal(parseResolvConfText(''), {});
});

test.run();
