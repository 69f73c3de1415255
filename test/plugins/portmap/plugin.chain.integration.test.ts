// Scenarios 43-51 as a runtime runs them: our bridge + host-local, then portmap with bridge's
// result; DEL in reverse order. All inside namespaces the test makes.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless } from '../../helpers/skip.ts';
import { BIN_DIR, errorOf, type Outcome } from '../../helpers/exec.ts';
import { cleanup, execPluginIn, inNetns, makeNetns, tempDir, type Netns } from '../../helpers/netns.ts';
import { makeWorld, request, startServer, type World } from '../../helpers/portmap-net.ts';
import { dnatChainName } from '../../../plugins/portmap/firewall/iptables-plan.ts';

// PORTMAP_CHAIN_BRIDGE_DIR runs the chain after another bridge + host-local (e.g. /usr/lib/cni) to tell portmap failures from bridge ones.
const BRIDGE_DIR = process.env.PORTMAP_CHAIN_BRIDGE_DIR ?? BIN_DIR;
const ready = ['bridge', 'host-local'].every((p) => existsSync(resolve(BRIDGE_DIR, p))) && existsSync(resolve(BIN_DIR, 'portmap'));
const missing = ready ? undefined : `bridge and host-local in ${BRIDGE_DIR}, or portmap in ${BIN_DIR}, missing (make all)`;

interface Pod {
  readonly id: string;
  readonly ns: Netns;
  result?: { ips: { address: string }[] };
}

function ok(o: Outcome): Outcome {
  if (o.code !== 0) throw new Error(`plugin failed (${o.code}): ${o.stdout} ${o.stderr}`);
  return o;
}

function chainFor(w: World, dataDir: string, backend: string) {
  const bridge = { cniVersion: '1.0.0', name: 'chainnet', type: 'bridge', bridge: 'pmbr0', isGateway: true, isDefaultGateway: true, ipMasq: true, hairpinMode: true, ipam: { type: 'host-local', subnet: '10.98.0.0/24', dataDir } };
  const portmap = (mappings: object[], prevResult?: object): object => ({
    cniVersion: '1.0.0', name: 'chainnet', type: 'portmap', backend, runtimeConfig: { portMappings: mappings }, ...(prevResult && { prevResult }),
  });
  const exec = (plugin: string, command: string, pod: Pod, stdin: object): Outcome => {
    const dir = plugin === 'portmap' ? BIN_DIR : BRIDGE_DIR;
    return execPluginIn(w.host, resolve(dir, plugin), { command, containerID: pod.id, netns: pod.ns.path, ifname: 'eth0', path: dir, stdin });
  };
  return {
    add(pod: Pod, mappings: object[]): void {
      const b = JSON.parse(ok(exec('bridge', 'ADD', pod, bridge)).stdout);
      pod.result = JSON.parse(ok(exec('portmap', 'ADD', pod, portmap(mappings, b))).stdout);
      // 1.x prints no empty dns (the Go bridge sends "dns": {}); everything else passes through.
      if (b.dns && Object.keys(b.dns).length === 0) delete b.dns;
      assert.equal(pod.result, b, 'portmap passes the result through');
    },
    check(pod: Pod, mappings: object[]): Outcome {
      const r = exec('bridge', 'CHECK', pod, { ...bridge, prevResult: pod.result });
      return r.code !== 0 ? r : exec('portmap', 'CHECK', pod, portmap(mappings, pod.result));
    },
    del(pod: Pod, mappings: object[]): void {
      ok(exec('portmap', 'DEL', pod, portmap(mappings, pod.result)));
      ok(exec('bridge', 'DEL', pod, { ...bridge, prevResult: pod.result }));
    },
    addNoPrev(pod: Pod): Outcome {
      return exec('portmap', 'ADD', pod, portmap([{ hostPort: 1, containerPort: 1, protocol: 'tcp' }]));
    },
  };
}

const podAddr = (p: Pod): string => p.result!.ips[0]!.address.split('/')[0]!;

for (const backend of ['iptables', 'nftables']) {
  const t = suite(`portmap chained after bridge + host-local (${backend})`);
  let w: World;
  let dataDir: string;
  t.before.each(() => {
    w = makeWorld('pmch');
    dataDir = tempDir('pmch');
  });
  t.after.each(() => cleanup());

  testUnless(t, missing, `[${backend}] 43, 45, 51: TCP to a host address, to localhost, hairpin and direct; CHECK; DEL in reverse`, async () => {
    const c = chainFor(w, dataDir, backend);
    const pod: Pod = { id: 'pod-a', ns: makeNetns('pmchc') };
    assert.is(errorOf(c.addNoPrev(pod)).msg, 'must be called as chained plugin');
    const maps = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }];
    c.add(pod, maps);
    const server = await startServer(pod.ns, 'tcp', 80, 'A');
    try {
      const [h1] = w.hostAddrs;
      const gw = '10.98.0.1';
      assert.is(request(w.host, 'tcp', h1, 8080), `A ${h1}`);
      assert.is(request(w.host, 'tcp', '127.0.0.1', 8080), `A ${gw}`);
      assert.is(inNetns(w.host, 'sysctl', '-n', 'net.ipv4.conf.pmbr0.route_localnet').trim(), '1');
      assert.is(request(pod.ns, 'tcp', h1, 8080), `A ${gw}`, 'hairpin');
      assert.is(request(w.host, 'tcp', podAddr(pod), 80), `A ${gw}`, 'direct');
      ok(c.check(pod, maps));
      if (backend === 'iptables') {
        const chain = dnatChainName({ network: 'chainnet', containerID: 'pod-a' });
        inNetns(w.host, 'iptables', '-t', 'nat', '-D', chain, '-p', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', `${podAddr(pod)}:80`);
        assert.match(errorOf(c.check(pod, maps)).msg, /could not check ipv4 dnat/);
      }
      c.del(pod, maps);
      assert.match(request(w.host, 'tcp', h1, 8080), /ERROR|TIMEOUT/);
    } finally {
      server.stop();
    }
  });

  testUnless(t, missing, `[${backend}] 46: UDP; after DEL of A and ADD of B on the same host port, B gets the packets at once`, async () => {
    const c = chainFor(w, dataDir, backend);
    const a: Pod = { id: 'pod-a', ns: makeNetns('pmchc') };
    const b: Pod = { id: 'pod-b', ns: makeNetns('pmchc') };
    const maps = [{ hostPort: 8053, containerPort: 53, protocol: 'udp' }];
    const [h1] = w.hostAddrs;
    c.add(a, maps);
    const sa = await startServer(a.ns, 'udp', 53, 'A');
    const sb = await startServer(b.ns, 'udp', 53, 'B');
    try {
      assert.is(request(w.host, 'udp', h1, 8053, 41053), `A ${h1}`);
      c.del(a, maps);
      c.add(b, maps);
      assert.is(request(w.host, 'udp', h1, 8053, 41053), `B ${h1}`);
      c.del(b, maps);
    } finally {
      sa.stop();
      sb.stop();
    }
  });

  t.run();
}
