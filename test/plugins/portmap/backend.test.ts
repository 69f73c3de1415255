// Choosing the forwarder: the configured one, else iptables first; backend-specific options make
// the host's default be asked before any rule is written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withForwarder } from '../../../plugins/portmap/backend.ts';
import { forwardSpec } from '../../../plugins/portmap/spec.ts';
import { fakes, request, type Fakes } from '../../helpers/portmap-fakes.ts';
import { rejection } from '../../helpers/assert.ts';

/** Forwards the v4 address of a request with these config keys. */
function ADD(f: Fakes, conf: Record<string, unknown>): Promise<void> {
  const req = request('ADD', conf);
  return withForwarder(req.config, f.deps.forwarders, (fw) => fw.forward(forwardSpec(req, req.config.containerIPs[0]!)));
}

test('withForwarder: unconfigured and no specific options, iptables without a probe', async () => {
  const f = fakes();
  await ADD(f, {});
  assert.equal(f.log, ['iptables forward 10.0.0.2']);
});

test('withForwarder: iptables conditions on a host whose default is iptables', async () => {
  const f = fakes();
  await ADD(f, { conditionsV4: ['-s', '10.0.0.0/8'] });
  assert.equal(f.log, ['iptables usable', 'iptables forward 10.0.0.2']);
});

test("withForwarder: iptables conditions on a host whose default is nftables are the reference's error", async () => {
  const f = fakes({ usable: { iptables: false } });
  const err = await rejection(ADD(f, { conditionsV4: ['-s', '10.0.0.0/8'] }));
  assert.is(err.code, 7);
  assert.is(err.message, 'nftables backend was requested but configuration contains iptables-specific options [conditionsV4]');
  assert.equal(f.log, ['iptables usable', 'nftables usable']);
});

test.run();
