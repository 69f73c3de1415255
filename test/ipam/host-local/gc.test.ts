// host-local GC over a memory store: valid attachments and legacy files of valid IDs are kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Request } from '../../../lib/cni/plugin.ts';
import { CniError } from '../../../lib/cni/errors.ts';
import { memoryStore, type MemoryStore } from '../../../ipam/host-local/store/memory.ts';
import { add } from '../../../ipam/host-local/add.ts';
import { loadConfig, type HostLocalConfig } from '../../../ipam/host-local/config.ts';
import { gc } from '../../../ipam/host-local/gc.ts';
import type { Deps } from '../../../ipam/host-local/deps.ts';

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

test.run();
