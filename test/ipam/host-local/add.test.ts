// host-local ADD over a memory store: the result, and nothing reserved when it fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Request } from '../../../lib/cni/plugin.ts';
import { CniError } from '../../../lib/cni/errors.ts';
import { memoryStore, type MemoryStore } from '../../../ipam/host-local/store/memory.ts';
import { add } from '../../../ipam/host-local/add.ts';
import { loadConfig, type HostLocalConfig } from '../../../ipam/host-local/config.ts';
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

test.run();
