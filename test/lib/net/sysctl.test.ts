// sysctl keys to /proc/sys paths, slash and dotted forms.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sysctlPath } from '../../../lib/net/sysctl.ts';

const test = suite('net codec');

test('sysctlPath: slash and dotted keys, dotted keys with a dot in an interface name', () => {
  assert.is(sysctlPath('net/ipv4/ip_forward'), '/proc/sys/net/ipv4/ip_forward');
  assert.is(sysctlPath('net.ipv6.conf.eth0.accept_dad'), '/proc/sys/net/ipv6/conf/eth0/accept_dad');
  assert.is(sysctlPath('net/ipv6/conf/cni0.100/accept_ra'), '/proc/sys/net/ipv6/conf/cni0.100/accept_ra');
  assert.is(sysctlPath('net.ipv6.conf.cni0/100.accept_ra'), '/proc/sys/net/ipv6/conf/cni0.100/accept_ra');
  for (const bad of ['net/../../etc/passwd', 'net..ipv4', '/net/ipv4', 'net/ipv4/']) {
    assert.throws(() => sysctlPath(bad), /invalid sysctl key/);
  }
});

test.run();
