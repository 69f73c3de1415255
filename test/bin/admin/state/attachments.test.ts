import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { viewOf } from '../../../../bin/admin/state/attachments.ts';

const entry = (result: Record<string, unknown> | undefined, capabilityArgs?: Record<string, unknown>) => ({
  network: 'n',
  containerID: 'c',
  ifname: 'eth0',
  netns: '/run/netns/x',
  config: Buffer.from('{}'),
  mtimeMs: 0,
  ...(result && { result }),
  ...(capabilityArgs && { capabilityArgs }),
});

test('viewOf: addresses of the cached result, host links (no sandbox), mapped ports with their host IP', () => {
  const v = viewOf(
    entry(
      {
        cniVersion: '1.1.0',
        interfaces: [{ name: 'cni0', mac: 'aa:00:00:00:00:01' }, { name: 'veth1', mac: 'aa:00:00:00:00:02' }, { name: 'eth0', mac: 'aa:00:00:00:00:03', sandbox: '/run/netns/x' }],
        ips: [{ address: '10.0.0.2/24', interface: 2 }, { address: 'fd00::2/64', interface: 2 }],
      },
      { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }, { hostPort: 53, containerPort: 53, protocol: 'udp', hostIP: '127.0.0.1' }] },
    ),
  );
  assert.equal(v.addresses, ['10.0.0.2/24', 'fd00::2/64']);
  assert.equal(v.hostLinks, ['cni0', 'veth1']);
  assert.equal(v.hostPorts, ['8080/tcp -> 80', '127.0.0.1:53/udp -> 53']);
});

test('viewOf: a 0.2.0 result (ip4/ip6) and an entry without a result', () => {
  assert.equal(viewOf(entry({ cniVersion: '0.2.0', ip4: { ip: '10.0.0.3/24' } })).addresses, ['10.0.0.3/24']);
  const none = viewOf(entry(undefined));
  assert.equal([none.addresses, none.hostLinks, none.hostPorts], [[], [], []]);
});

test.run();
