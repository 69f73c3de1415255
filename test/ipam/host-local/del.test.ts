// host-local DEL (and CHECK after it) over a memory store: what each frees, and legacy files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Request } from '../../../lib/cni/plugin.ts';
import { CniError } from '../../../lib/cni/errors.ts';
import { memoryStore, type MemoryStore } from '../../../ipam/host-local/store/memory.ts';
import { add } from '../../../ipam/host-local/add.ts';
import { check } from '../../../ipam/host-local/check.ts';
import { loadConfig, type HostLocalConfig } from '../../../ipam/host-local/config.ts';
import { del } from '../../../ipam/host-local/del.ts';
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

test.run();
