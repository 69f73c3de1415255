// calcGateways: the gateway addresses and default routes the reference computes from an IPAM result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { calcGateways, unreachableRoute } from '../../../plugins/bridge/gateway.ts';

// ---------------------------------------------------------------------------------------------
test('calcGateways: interface 2, gateway = subnet + 1, one default route per family', () => {
  const out = calcGateways(
    { ips: [{ address: '10.1.2.2/24' }, { address: '10.1.3.2/24' }, { address: '2001:db8:1::2/64', gateway: '2001:db8:1::9' }] },
    { isGateway: true, isDefaultGateway: true },
  );
  assert.equal(out.ips, [
    { address: '10.1.2.2/24', interface: 2, gateway: '10.1.2.1' },
    { address: '10.1.3.2/24', interface: 2, gateway: '10.1.3.1' },
    { address: '2001:db8:1::2/64', gateway: '2001:db8:1::9', interface: 2 },
  ]);
  assert.equal(out.routes, [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '::/0', gw: '2001:db8:1::9' }]);
  assert.equal(out.gateways, { 4: ['10.1.2.1/24', '10.1.3.1/24'], 6: ['2001:db8:1::9/64'] });
});

test('calcGateways: an IPAM default route with a gateway wins; without isGateway nothing goes on the bridge', () => {
  const ipam = { ips: [{ address: '10.1.2.2/24' }], routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.254' }] };
  assert.equal(calcGateways(ipam, { isGateway: true, isDefaultGateway: true }).routes, [{ dst: '0.0.0.0/0', gw: '10.1.2.254' }]);
  const plain = calcGateways(ipam, { isGateway: false, isDefaultGateway: false });
  assert.equal(plain.gateways, { 4: [], 6: [] });
  assert.equal(plain.ips, [{ address: '10.1.2.2/24', interface: 2 }]);
});

test('unreachableRoute: a route through a gateway on none of the container subnets, its own or the family one', () => {
  const ips = [
    { address: '10.1.0.2/24', gateway: '10.2.0.1', interface: 2 },
    { address: 'fd00::2/64', gateway: 'fd00::1', interface: 2 },
  ];
  assert.equal(unreachableRoute(ips, [{ dst: '0.0.0.0/0' }]), { route: { dst: '0.0.0.0/0' }, via: '10.2.0.1' });
  assert.is(unreachableRoute(ips, [{ dst: '::/0' }, { dst: '0.0.0.0/0', gw: '10.1.0.1' }]), undefined);
  assert.equal(unreachableRoute(ips, [{ dst: '10.9.0.0/16', gw: '10.3.0.1' }])?.via, '10.3.0.1');
  assert.is(unreachableRoute([{ address: '10.1.0.2/24', interface: 2 }], [{ dst: '10.9.0.0/16' }]), undefined, 'no gateway: a link route');
});

test.run();
