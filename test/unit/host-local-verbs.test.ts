// The verbs over a memory store: what each returns or throws, and what it leaves in the store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Request } from '../../lib/cni/plugin.ts';
import { CniError } from '../../lib/cni/errors.ts';
import { memoryStore, type MemoryStore } from '../../ipam/host-local/store/memory.ts';
import { add } from '../../ipam/host-local/add.ts';
import { check } from '../../ipam/host-local/check.ts';
import { loadConfig, type HostLocalConfig } from '../../ipam/host-local/config.ts';
import { del } from '../../ipam/host-local/del.ts';
import { gc } from '../../ipam/host-local/gc.ts';
import type { Deps } from '../../ipam/host-local/deps.ts';
import { parseResolvConfText } from '../../ipam/host-local/resolvconf.ts';
import { status } from '../../ipam/host-local/status.ts';

function deps(store: MemoryStore, writable = true): Deps {
  return {
    openStore: () => store,
    checkWritable: () => {
      if (!writable) throw new Error('mkdir /x: read-only file system');
    },
  };
}

function req(ipam: Record<string, unknown>, id = 'c1', ifname = 'eth0', extra: Record<string, unknown> = {}): Request<HostLocalConfig> {
  const raw = { cniVersion: '1.1.0', name: 'n', type: 'host-local', ipam: { type: 'host-local', ...ipam }, ...extra };
  return { command: 'ADD', containerID: id, netns: '/x', ifname, args: '', cniPath: [], stdin: Buffer.from(''), environ: {}, config: loadConfig(raw, '') };
}

const dual = { ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '2001:db8::/64' }]], routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }] };

async function rejects(p: Promise<unknown>): Promise<CniError | Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

test('add returns a 1.1.0 result with one address per set and the routes; no dns without resolvConf', async () => {
  const s = memoryStore();
  const r = await add(req(dual), deps(s));
  assert.equal(r, {
    cniVersion: '1.1.0',
    ips: [
      { address: '10.0.0.2/24', gateway: '10.0.0.1' },
      { address: '2001:db8::2/64', gateway: '2001:db8::1' },
    ],
    routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }],
  });
});

test('add fails on a missing resolvConf before reserving anything, as an I/O error', async () => {
  const s = memoryStore();
  const e = await rejects(add(req({ ...dual, resolvConf: '/nonexistent/resolv.conf' }), deps(s)));
  assert.is((e as CniError).code, 5);
  assert.is(e.message, 'open /nonexistent/resolv.conf: no such file or directory');
  assert.is(s.files.size, 0);
});

test('del frees the attachment only; check follows it', async () => {
  const s = memoryStore();
  await add(req(dual, 'a'), deps(s));
  await add(req(dual, 'a', 'eth1'), deps(s));
  await check(req(dual, 'a'), deps(s));
  await del(req(dual, 'a'), deps(s));
  assert.equal([...s.files.values()], ['a\r\neth1', 'a\r\neth1']);
  assert.is((await rejects(check(req(dual, 'a'), deps(s)))).message, 'host-local: Failed to find address added by container a');
  await del(req(dual, 'a'), deps(s));
});

test('del with several range sets also frees legacy files of the ID (the reference loops once per set)', async () => {
  const s = memoryStore();
  await add(req(dual, 'a'), deps(s));
  s.files.set('10.0.0.99', 'a');
  await del(req(dual, 'a'), deps(s));
  assert.is(s.files.size, 0);
});

test('gc keeps valid attachments and legacy files of valid IDs', async () => {
  const s = memoryStore();
  for (const id of ['k', 'x']) await add(req(dual, id), deps(s));
  s.files.set('10.0.0.98', 'k');
  s.files.set('10.0.0.99', 'x');
  await gc(req(dual, 'k', 'eth0', { 'cni.dev/valid-attachments': [{ containerID: 'k', ifname: 'eth0' }] }), deps(s));
  assert.equal([...s.files.keys()].sort(), ['10.0.0.2', '10.0.0.98', '2001:db8::2']);
});

test('gc frees what it can and reports every failure in one error', async () => {
  const s = memoryStore();
  for (const id of ['a', 'b', 'c']) await add(req(dual, id), deps(s));
  const failing: MemoryStore = {
    ...s,
    releaseIP(ip) {
      if (!ip.includes(':')) throw new CniError(5, `remove ${ip}: permission denied`);
      s.releaseIP(ip);
    },
  };
  const err = (await rejects(gc(req(dual, 'a', 'eth0', { 'cni.dev/valid-attachments': [] }), deps(failing)))) as CniError;
  assert.equal([err.code, err.message, err.details], [5, 'remove 10.0.0.2: permission denied', 'remove 10.0.0.3: permission denied; remove 10.0.0.4: permission denied']);
  assert.equal([...s.files.keys()].sort(), ['10.0.0.2', '10.0.0.3', '10.0.0.4']);
});

test('status: 50 as soon as one set is exhausted (an ADD needs every set), or when the data directory cannot be written', async () => {
  const s = memoryStore();
  const two = { ranges: [[{ subnet: '10.0.0.0/30' }], [{ subnet: '10.0.1.0/29' }]] };
  await status(req(two), deps(s));
  await add(req(two, 'a'), deps(s));
  const one = (await rejects(status(req(two), deps(s)))) as CniError;
  assert.equal([one.code, one.message], [50, 'no IP addresses available in range set: 10.0.0.1-10.0.0.2']);
  for (const id of ['b', 'c', 'd', 'e']) s.files.set(`10.0.1.${id.charCodeAt(0) - 95}`, `${id}\r\neth0`);
  const e = (await rejects(status(req(two), deps(s)))) as CniError;
  assert.equal([e.code, e.message], [50, 'no IP addresses available in range set: 10.0.0.1-10.0.0.2; no IP addresses available in range set: 10.0.1.1-10.0.1.6']);
  const w = (await rejects(status(req(two), deps(memoryStore(), false)))) as CniError;
  assert.equal([w.code, w.message], [50, 'data directory is not writable: mkdir /x: read-only file system']);
});

test('parseResolvConfText: first nameserver field, last domain, every search and options field', () => {
  const text = '#c\n;c\n  nameserver 10.0.0.53 x\nnameserver\ndomain a\ndomain b\r\nsearch s1 s2\nsearch s3\noptions o1\noptions o2 o3\n';
  assert.equal(parseResolvConfText(text), { nameservers: ['10.0.0.53'], domain: 'b', search: ['s1', 's2', 's3'], options: ['o1', 'o2', 'o3'] });
  assert.equal(parseResolvConfText(''), {});
});

test.run();
