// One gc round with a fake runtime, cache, conf dir and plugins: what is released, what is kept,
// what the plugins' GC is told, and that a runtime that cannot answer releases nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PodSandbox } from '../../../../bin/admin/gc/cri-codec.ts';
import { gcRound, type GcDeps } from '../../../../bin/admin/gc/round.ts';
import type { AttachmentRef } from '../../../../lib/cni/attachment.ts';
import type { ListedAttachment } from '../../../../lib/cni/cache.ts';
import { confListFromBytes, type LoadedConf } from '../../../../lib/cni/netconf.ts';

const NOW = 2_000_000_000_000;
const MIN = 60_000;
const GRACE = 5 * MIN;

const list = (name: string, extra: object = {}): LoadedConf => ({
  file: `/etc/cni/net.d/${name}.conflist`,
  list: confListFromBytes(Buffer.from(JSON.stringify({ cniVersion: '1.1.0', name, plugins: [{ type: 'bridge' }], ...extra }))),
});
const entry = (network: string, containerID: string, ageMs: number): ListedAttachment => ({
  network,
  containerID,
  ifname: 'eth0',
  config: Buffer.from('{}'),
  netns: `/var/run/netns/cni-${containerID}`,
  mtimeMs: NOW - ageMs,
});
const sandbox = (id: string): PodSandbox => ({ id, state: 'SANDBOX_READY', createdAt: '0', name: id, namespace: 'default', uid: id });

interface Fake {
  deps: GcDeps;
  dels: string[];
  gcs: { network: string; valid: readonly AttachmentRef[] }[];
  logs: string[];
}

function fake(o: { sandboxes: readonly PodSandbox[] | Error; cache: ListedAttachment[]; networks: LoadedConf[]; failDel?: string[]; failGc?: boolean; inFlight?: AttachmentRef[] }): Fake {
  const f: Fake = { dels: [], gcs: [], logs: [], deps: undefined! };
  f.deps = {
    listSandboxes: async () => {
      if (o.sandboxes instanceof Error) throw o.sandboxes;
      return o.sandboxes;
    },
    loadNetworks: () => o.networks,
    cachedAttachments: () => o.cache,
    del: async (l, a) => {
      f.dels.push(`${l.name}/${a.containerID}`);
      if (o.failDel?.includes(a.containerID)) throw new Error('plugin type="bridge" failed (delete): boom');
    },
    gcPlugins: async (l, valid) => {
      f.gcs.push({ network: l.name, valid });
      return o.failGc ? [new Error('failed to GC plugin bridge: nope')] : [];
    },
    recentAttachments: (_l, sinceMs) => {
      assert.is(sinceMs, NOW - GRACE, 'state younger than the grace counts as in flight');
      return o.inFlight ?? [];
    },
    now: () => NOW,
    log: (line) => f.logs.push(line),
  };
  return f;
}

test('gcRound: an attachment whose ADD may still run (fresh state, not cached, sandbox not listed) is valid for the plugins GC', async () => {
  const f = fake({ sandboxes: [], cache: [], networks: [list('net')], inFlight: [{ containerID: 'adding', ifname: 'eth0' }] });
  await gcRound(f.deps, GRACE);
  assert.equal(f.gcs[0]!.valid, [{ containerID: 'adding', ifname: 'eth0' }]);
  assert.equal(f.dels, []);
});

test('gcRound: DELs the stale attachments of each network, keeps live and young ones, tells the plugins what remains', async () => {
  const f = fake({
    sandboxes: [sandbox('live')],
    cache: [entry('a', 'live', 60 * MIN), entry('a', 'gone', 10 * MIN), entry('a', 'new', MIN), entry('b', 'gone2', 7 * MIN)],
    networks: [list('a'), list('b')],
  });
  const r = await gcRound(f.deps, GRACE);
  assert.equal(r, { ok: true, released: 2, failed: 0 });
  assert.equal(f.dels, ['a/gone', 'b/gone2']);
  assert.equal(f.gcs, [
    { network: 'a', valid: [{ containerID: 'live', ifname: 'eth0' }, { containerID: 'new', ifname: 'eth0' }] },
    { network: 'b', valid: [{ containerID: 'live', ifname: 'eth0' }] },
  ]);
  assert.equal(f.logs, ['network a: sandbox gone eth0: released (sandbox gone, cached 10m ago)', 'network b: sandbox gone2 eth0: released (sandbox gone, cached 7m ago)']);
});

test('gcRound: a runtime that cannot answer releases nothing and fails the round', async () => {
  const f = fake({ sandboxes: new Error('CRI ListPodSandbox on unix:///x.sock: connect ENOENT (gRPC code 14)'), cache: [entry('a', 'gone', 60 * MIN)], networks: [list('a')] });
  const r = await gcRound(f.deps, GRACE);
  assert.equal(r, { ok: false, released: 0, failed: 0 });
  assert.equal(f.dels, []);
  assert.equal(f.gcs, []);
  assert.equal(f.logs, ['cannot list pod sandboxes, nothing released: CRI ListPodSandbox on unix:///x.sock: connect ENOENT (gRPC code 14)']);
});

test('gcRound: an empty list is an answer: every old attachment is stale', async () => {
  const f = fake({ sandboxes: [], cache: [entry('a', 'x', 6 * MIN), entry('a', 'y', 6 * MIN)], networks: [list('a')] });
  assert.equal(await gcRound(f.deps, GRACE), { ok: true, released: 2, failed: 0 });
  assert.equal(f.gcs, [{ network: 'a', valid: [] }]);
});

test('gcRound: a failed DEL is logged and counted, the next ones still run, and (as libcni) it is not valid for the GC', async () => {
  const f = fake({ sandboxes: [], cache: [entry('a', 'bad', 6 * MIN), entry('a', 'ok', 6 * MIN)], networks: [list('a')], failDel: ['bad'] });
  assert.equal(await gcRound(f.deps, GRACE), { ok: false, released: 1, failed: 1 });
  assert.equal(f.dels, ['a/bad', 'a/ok']);
  assert.equal(f.gcs, [{ network: 'a', valid: [] }]);
  assert.match(f.logs[0]!, /^network a: sandbox bad eth0: release failed, cache entry kept for the next round: plugin type="bridge" failed \(delete\): boom$/);
});

test('gcRound: a failing plugin GC is logged and fails the round', async () => {
  const f = fake({ sandboxes: [], cache: [], networks: [list('a')], failGc: true });
  assert.equal(await gcRound(f.deps, GRACE), { ok: false, released: 0, failed: 1 });
  assert.equal(f.logs, ['network a: failed to GC plugin bridge: nope']);
});

test('gcRound: disableGC, unreadable conf files and networks not in the conf dir are left alone, and said so', async () => {
  const f = fake({
    sandboxes: [],
    cache: [entry('off', 'x', 60 * MIN), entry('elsewhere', 'y', 60 * MIN), entry('elsewhere', 'z', 60 * MIN), entry('elsewhere', 'young', MIN)],
    networks: [list('off', { disableGC: true }), { file: '/etc/cni/net.d/99-bad.conflist', error: new Error('error parsing configuration list: no name') }],
  });
  assert.equal(await gcRound(f.deps, GRACE), { ok: true, released: 0, failed: 0 });
  assert.equal(f.dels, []);
  assert.equal(f.gcs, []);
  assert.equal(f.logs, [
    'network off: disableGC is set, left alone',
    'skipping /etc/cni/net.d/99-bad.conflist: error parsing configuration list: no name',
    'network elsewhere: not in the conf dir, its 2 stale cached attachment(s) left alone',
  ]);
});

test('gcRound: with --network, only the named networks are collected, the others silently left alone', async () => {
  const f = fake({ sandboxes: [], cache: [entry('a', 'x', 60 * MIN), entry('podman', 'y', 60 * MIN)], networks: [list('a'), list('podman')] });
  assert.equal(await gcRound(f.deps, GRACE, new Set(['a'])), { ok: true, released: 1, failed: 0 });
  assert.equal(f.dels, ['a/x']);
  assert.equal(f.gcs.map((g) => g.network), ['a']);
  assert.equal(f.logs, ['network a: sandbox x eth0: released (sandbox gone, cached 1h ago)']);
});

test.run();
