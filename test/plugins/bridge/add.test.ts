// bridge ADD against fakes (no root, no kernel): the result and the order of the calls, and a
// failure injected at every call ADD makes, with what the rollback undid and the error returned.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CniError } from '../../../lib/cni/errors.ts';
import { add } from '../../../plugins/bridge/add.ts';
import type { Deps } from '../../../plugins/bridge/deps.ts';
import { rejection } from '../../helpers/assert.ts';
import { bridgeRequest, fakeWorld, L3, NETNS, type FakeWorld } from '../../helpers/bridge-deps.ts';
import { HOST } from '../../helpers/fake-netlink.ts';

const UNDO_CALLS = /^(ctr\.deleteLink|ipam\.DEL|spoof\.teardown|masq\.\w+\.teardown)/;

test('add: an L3 attachment with every feature, its result and its calls in order', async () => {
  const w = fakeWorld();
  const result = await add(bridgeRequest('ADD', L3), w.deps);
  const br = w.kernel.find(HOST, 'cni0')!;
  const ctr = w.kernel.find(NETNS, 'eth0')!;
  const hostEnd = w.kernel.links.find((l) => l.index === ctr.peerIndex)!;
  assert.equal(result, {
    cniVersion: '1.1.0',
    interfaces: [
      { name: 'cni0', mac: br.mac },
      { name: hostEnd.name, mac: hostEnd.mac },
      { name: 'eth0', mac: ctr.mac, sandbox: NETNS },
    ],
    ips: [{ address: '10.1.2.2/24', gateway: '10.1.2.1', interface: 2 }],
    routes: [{ dst: '10.9.0.0/16' }],
  });
  assert.is(hostEnd.master, br.index);
  assert.equal(w.masq.iptables.rules.get('testnet/ctr1/eth0'), ['10.1.2.2']);
  assert.equal([...w.spoof.chains], [['ctr1-eth0', hostEnd.name]]);
  assert.ok(w.reserved.has('ctr1'));
  assert.is(w.sysctls.get(`${HOST} net/ipv4/ip_forward`), '1');
  assert.is(w.kernel.open, 0, 'every netlink handle is closed');
  // The main steps in the order ADD takes them; masquerading runs alongside, once IPAM answered.
  assert.equal(
    w.log.calls.filter((c) => /^(host\.open|ctr\.open|ctr\.createVeth|spoof|ipam|ctr\.addAddress|host\.addAddress|ctr\.addRoute|host\.changeLink veth)/.test(c)),
    [
      'host.open',
      'ctr.open',
      `ctr.createVeth eth0 ${hostEnd.name}`,
      `host.changeLink ${hostEnd.name}`,
      `spoof.setup ${hostEnd.name} ${ctr.mac}`,
      'ipam.ADD host-local',
      'ctr.addAddress 10.1.2.2/24',
      'ctr.addRoute 10.9.0.0/16',
      'host.addAddress 10.1.2.1/24',
    ],
  );
  assert.ok(w.log.calls.indexOf('masq.iptables.setup 10.1.2.2') > w.log.calls.indexOf('ipam.ADD host-local'));
  assert.not.ok(w.log.calls.some((c) => c.startsWith('masq.nftables')), 'iptables worked: nftables is not touched');
});

test('add: an L2 attachment sets the container link up and asks neither IPAM nor a firewall', async () => {
  const w = fakeWorld();
  const result = await add(bridgeRequest('ADD', {}), w.deps);
  assert.is(result.ips, undefined);
  assert.ok(w.kernel.find(NETNS, 'eth0')!.up);
  assert.equal(w.log.calls.filter((c) => /^(ipam|masq|spoof)/.test(c)), []);
});

test('add: an existing link that is not a bridge is refused before anything is made', async () => {
  const w = fakeWorld();
  w.kernel.addLink(HOST, { name: 'cni0', kind: 'dummy' });
  try {
    await add(bridgeRequest('ADD', L3), w.deps);
    assert.unreachable();
  } catch (err) {
    assert.is((err as Error).message, 'failed to create bridge "cni0": "cni0" already exists but is not a bridge');
    assert.is((err as CniError).code, 7);
  }
  assert.equal(w.log.calls.filter((c) => UNDO_CALLS.test(c)), []);
});

test('add: a VLAN on a kernel without bridge VLAN filtering is code 2 naming the field, with nothing made', async () => {
  const w = fakeWorld();
  w.kernel.vlanFiltering = false;
  try {
    await add(bridgeRequest('ADD', { ...L3, vlan: 5 }), w.deps);
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /vlan 5 needs VLAN filtering, which this kernel lacks/);
    assert.is((err as CniError).code, 2);
  }
  assert.is(w.kernel.links.length, 0);
});

test('add: an IPAM gateway on none of the container subnets is code 7 before any firewall rule or address', async () => {
  const w = fakeWorld();
  w.ipamResult = { cniVersion: '1.1.0', ips: [{ address: '10.1.2.2/24', gateway: '10.2.0.1' }], routes: [{ dst: '0.0.0.0/0' }] };
  try {
    await add(bridgeRequest('ADD', L3), w.deps);
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /^route 0\.0\.0\.0\/0 via 10\.2\.0\.1 cannot be added: the gateway is on none of the container's subnets \(10\.1\.2\.2\/24\)/);
    assert.is((err as CniError).code, 7);
  }
  assert.not.ok(w.log.calls.some((c) => /^(masq\.\w+\.setup|ctr\.addAddress)/.test(c)), 'no rule and no address was made');
  assert.is(w.reserved.size + w.kernel.links.filter((l) => l.kind === 'veth').length, 0);
});

test('add: a container interface name that is taken is code 7, and the bridge made for it goes', async () => {
  const w = fakeWorld();
  w.kernel.addLink(NETNS, { name: 'eth0', kind: 'dummy' });
  const err = await rejection(add(bridgeRequest('ADD', L3), w.deps));
  assert.is(err.code, 7);
  assert.match(err.message, /^container veth name \("eth0"\) peer provided \("veth\d+"\) already exists$/);
  assert.is(w.kernel.find(HOST, 'cni0'), undefined);
});

/** What the rollback must undo after a failed run, newest first: what was made or started. */
function expectedUndo(w: FakeWorld, failed: string): string[] {
  const did = (re: RegExp): boolean => w.log.calls.some((c) => re.test(c));
  const vethMade = did(/^ctr\.createVeth/) && failed !== w.log.calls.find((c) => c.startsWith('ctr.createVeth'));
  return [
    ...(did(/^masq\.iptables\.setup/) ? ['masq.iptables.teardown 10.1.2.2', 'masq.nftables.teardown 10.1.2.2'] : []),
    ...(did(/^ipam\.ADD/) ? ['ipam.DEL host-local'] : []),
    ...(did(/^spoof\.setup/) ? ['spoof.teardown'] : []),
    ...(vethMade ? ['ctr.deleteLink eth0'] : []),
  ];
}

/** The host's sysctls that outlive the ADD: those of links it deleted go with them. */
const hostSysctls = (w: FakeWorld): Map<string, string> =>
  new Map(
    [...w.sysctls].filter(([k]) => {
      const ifname = /^host net\/ipv[46]\/conf\/([^/]+)\//.exec(k)?.[1];
      return k.startsWith(`${HOST} `) && (ifname === undefined || ifname === 'all' || w.kernel.find(HOST, ifname) !== undefined);
    }),
  );

// Steps whose failure the reference ignores, and so do we.
const TOLERATED = /^(sysctl\.(read|write) net\/ipv6\/conf\/.*\/accept_ra|sysctl\.write net\/ipv6\/conf\/eth0\/accept_dad|sysctl\.write net\/ipv4\/conf\/eth0\/arp_notify)/;

test('add: a failure at every step is rolled back in reverse order and returned', async () => {
  const clean = fakeWorld();
  await add(bridgeRequest('ADD', L3), clean.deps);
  const steps = clean.log.calls;
  assert.ok(steps.length > 20, `only ${steps.length} steps`);
  for (const [i, step] of steps.entries()) {
    const w = fakeWorld();
    const sysctlsBefore = new Map(w.sysctls);
    w.log.failAt = i;
    let error: Error | undefined;
    try {
      await add(bridgeRequest('ADD', L3), w.deps);
    } catch (err) {
      error = err as Error;
    }
    if (error === undefined) {
      assert.ok(TOLERATED.test(step), `a failure of ${step} (step ${i}) was ignored`);
      continue;
    }
    assert.ok(error.message.includes(`injected failure of ${step}`), `step ${i} ${step}: ${error.message}`);
    const undone = w.log.calls.slice(i + 1).filter((c) => UNDO_CALLS.test(c));
    assert.equal(undone, expectedUndo(w, step), `undo after a failure of ${step} (step ${i})`);
    assert.is(w.kernel.open, 0, `handles left open after a failure of ${step}`);
    assert.equal(w.kernel.links.filter((l) => l.kind === 'veth'), [], `a veth left after a failure of ${step}`);
    assert.equal(w.masq.iptables.rules.size + w.masq.nftables.rules.size + w.spoof.chains.size + w.reserved.size, 0, `state left after a failure of ${step}`);
    assert.equal(w.kernel.links.filter((l) => l.ns === HOST), [], `the bridge this ADD made is left after a failure of ${step}`);
    assert.equal(w.kernel.addresses, [], `an address left after a failure of ${step}`);
    assert.equal(hostSysctls(w), sysctlsBefore, `sysctls not restored after a failure of ${step}`);
  }
});

test('add: a failure on a bridge that was there takes back only what this ADD changed on it', async () => {
  const clean = fakeWorld();
  clean.kernel.addLink(HOST, { name: 'cni0', kind: 'bridge' });
  clean.sysctls.set(`${HOST} net/ipv6/conf/cni0/accept_ra`, '1');
  await add(bridgeRequest('ADD', { ...L3, promiscMode: true }), clean.deps);
  const failAt = clean.log.calls.indexOf('ctr.addRoute 10.9.0.0/16');
  const w = fakeWorld();
  const br = w.kernel.addLink(HOST, { name: 'cni0', kind: 'bridge' });
  w.sysctls.set(`${HOST} net/ipv6/conf/cni0/accept_ra`, '1');
  const before = { links: structuredClone(w.kernel.links), sysctls: new Map(w.sysctls) };
  w.log.failAt = failAt;
  await rejection(add(bridgeRequest('ADD', { ...L3, promiscMode: true }), w.deps));
  assert.equal(w.kernel.links, before.links, 'the bridge is there, down and not promiscuous, as it was');
  assert.equal(hostSysctls(w), before.sysctls);
  assert.ok(w.kernel.find(HOST, br.index));
});

test('add: a failure on a bridge made by this ADD leaves it to a concurrent ADD that attached a port', async () => {
  const w = fakeWorld();
  const clean = fakeWorld();
  await add(bridgeRequest('ADD', L3), clean.deps);
  w.log.failAt = clean.log.calls.indexOf('ipam.ADD host-local');
  const deps: Deps = {
    ...w.deps,
    async delegate(req, type, command) {
      if (command === 'ADD') w.kernel.addLink(HOST, { name: 'vethother', kind: 'veth', master: w.kernel.find(HOST, 'cni0')!.index });
      return w.deps.delegate(req, type, command);
    },
  };
  await rejection(add(bridgeRequest('ADD', L3), deps));
  assert.ok(w.kernel.find(HOST, 'cni0'), 'the bridge stays: it has a port');
  assert.ok(w.kernel.find(HOST, 'vethother'));
});

test('add: a bridge deleted before the port joined it (its maker rolled back) is made again, and the port joins that one', async () => {
  const w = fakeWorld();
  const first = w.kernel.addLink(HOST, { name: 'cni0', kind: 'bridge' });
  const deps: Deps = {
    ...w.deps,
    async openNetlink(netns) {
      const nl = await w.deps.openNetlink(netns);
      if (netns === undefined) return nl;
      const createVeth = nl.createVeth.bind(nl);
      nl.createVeth = async (o) => {
        await createVeth(o);
        w.kernel.removeLink(first);
      };
      return nl;
    },
  };
  const result = await add(bridgeRequest('ADD', L3), deps);
  const br = w.kernel.find(HOST, 'cni0')!;
  assert.is.not(br.index, first.index);
  assert.is(w.kernel.find(HOST, result.interfaces![1]!.name)!.master, br.index);
  assert.equal(w.kernel.addresses.filter((a) => a.index === br.index).map((a) => `${a.ip}/${a.prefixLen}`), ['10.1.2.1/24']);
});

test('add: a bridge deleted under ensureBridge (its maker rolled back) is made once more', async () => {
  const w = fakeWorld();
  w.kernel.addLink(HOST, { name: 'cni0', kind: 'bridge' });
  const first = w.kernel.find(HOST, 'cni0')!;
  const deps: Deps = {
    ...w.deps,
    async openNetlink(netns) {
      const nl = await w.deps.openNetlink(netns);
      if (netns !== undefined) return nl;
      let changes = 0;
      const changeLink = nl.changeLink.bind(nl);
      nl.changeLink = async (ref, c, what) => {
        if (ref === first.index && changes++ === 0) w.kernel.removeLink(first);
        return changeLink(ref, c, what);
      };
      return nl;
    },
  };
  const result = await add(bridgeRequest('ADD', L3), deps);
  const br = w.kernel.find(HOST, 'cni0')!;
  assert.is.not(br.index, first.index);
  assert.equal(result.interfaces![0], { name: 'cni0', mac: br.mac });
});

test('add: a failed rollback step is reported with the error that caused the rollback', async () => {
  const clean = fakeWorld();
  await add(bridgeRequest('ADD', L3), clean.deps);
  const w = fakeWorld();
  w.log.failAt = clean.log.calls.indexOf('ctr.addAddress 10.1.2.2/24');
  const deps: Deps = {
    ...w.deps,
    delegate: async (req, type, command) => {
      if (command === 'DEL') throw new Error('host-local is gone');
      return w.deps.delegate(req, type, command);
    },
  };
  try {
    await add(bridgeRequest('ADD', L3), deps);
    assert.unreachable();
  } catch (err) {
    const e = err as CniError;
    assert.is(e.message, 'failed to add IP addr 10.1.2.2/24 to "eth0": injected failure of ctr.addAddress 10.1.2.2/24');
    assert.is(e.details, 'undo IPAM reservation: host-local is gone');
  }
  assert.equal(w.kernel.links.filter((l) => l.kind === 'veth'), [], 'the other undo steps still ran');
});

test('add: a network name and container ID too long for the ipMasq comment are refused before any change', async () => {
  const w = fakeWorld();
  const err = await rejection<CniError>(add(bridgeRequest('ADD', L3, { containerID: 'c'.repeat(300) }), w.deps));
  assert.is(err.code, 7);
  assert.match(err.message, /at most 255/);
  assert.equal(w.log.calls, []);
});

test.run();
