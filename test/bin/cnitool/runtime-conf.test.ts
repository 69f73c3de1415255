// cnitool's runtime configuration: the container ID from the netns path, CNI_ARGS, the environment.
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { containerIDFor, parseCniArgs, readToolEnv } from '../../../bin/cnitool/runtime-conf.ts';
import { throwsMessage } from '../../helpers/assert.ts';

test('containerIDFor hashes the absolute netns path like cnitool (first 10 bytes of SHA-512)', () => {
  const want = `cnitool-${createHash('sha512').update('/var/run/netns/ns1').digest('hex').slice(0, 20)}`;
  assert.is(containerIDFor('/var/run/netns/ns1'), want);
  assert.is(containerIDFor('/var/run/netns/../netns/ns1'), want);
  assert.is(want.length, 28);
});

test('parseCniArgs keeps pairs in order and rejects what cnitool rejects', () => {
  assert.equal(parseCniArgs('IgnoreUnknown=1;IP=10.1.2.3'), [['IgnoreUnknown', '1'], ['IP', '10.1.2.3']]);
  assert.equal(parseCniArgs(''), []);
  throwsMessage(() => parseCniArgs('A=1;B'), 'invalid CNI_ARGS pair "B"');
  throwsMessage(() => parseCniArgs('A=b=c'), 'invalid CNI_ARGS pair "A=b=c"');
  throwsMessage(() => parseCniArgs('A='), 'invalid CNI_ARGS pair "A="');
});

test('readToolEnv: defaults, -i over CNI_IFNAME, CAP_ARGS as JSON', () => {
  const e = readToolEnv({});
  assert.equal([e.netconfPath, e.cniPath, e.ifname, e.capArgs], ['/etc/cni/net.d', [], 'eth0', undefined]);
  const f = readToolEnv({ NETCONFPATH: '/x', CNI_PATH: '/a:/b', CNI_IFNAME: 'net1', CAP_ARGS: '{"mac":"02:00:00:00:00:01"}' }, 'eth7');
  assert.equal([f.netconfPath, f.cniPath, f.ifname, f.capArgs], ['/x', ['/a', '/b'], 'eth7', { mac: '02:00:00:00:00:01' }]);
  throwsMessage(() => readToolEnv({ CAP_ARGS: '{' }), /^CAP_ARGS: /);
});

test.run();
