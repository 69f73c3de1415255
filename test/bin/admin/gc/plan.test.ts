// Stale, live and too young; and the valid attachments the plugins' GC is given.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plan, validAttachments } from '../../../../bin/admin/gc/plan.ts';
import type { ListedAttachment } from '../../../../lib/cni/cache.ts';

const NOW = 1_000_000_000;
const MIN = 60_000;
const entry = (containerID: string, ageMs: number, ifname = 'eth0'): ListedAttachment => ({
  network: 'net',
  containerID,
  ifname,
  config: Buffer.from('{}'),
  netns: `/var/run/netns/cni-${containerID}`,
  mtimeMs: NOW - ageMs,
});

test('plan: a listed sandbox is live whatever its age; gone and old is stale; gone and young is kept', () => {
  const live = entry('live', 60 * MIN);
  const stale = entry('gone', 6 * MIN);
  const young = entry('new', 4 * MIN);
  const edge = entry('edge', 5 * MIN);
  const p = plan([live, stale, young, edge], new Set(['live', 'other']), NOW, 5 * MIN);
  assert.equal(p.live, [live]);
  assert.equal(p.young, [young]);
  assert.equal(p.stale, [stale, edge]); // exactly the grace old: no longer young
});

test('plan: no sandbox listed and a zero grace makes every entry stale', () => {
  const a = entry('a', 0);
  assert.equal(plan([a], new Set(), NOW, 0).stale, [a]);
});

test('validAttachments: live and young entries, and every listed sandbox with the interface names seen', () => {
  const p = plan([entry('live', MIN, 'eth1'), entry('new', 0), entry('gone', 10 * MIN, 'net2')], new Set(['live', 'nocache']), NOW, 5 * MIN);
  assert.equal(validAttachments(p, new Set(['live', 'nocache'])), [
    { containerID: 'live', ifname: 'eth1' },
    { containerID: 'new', ifname: 'eth0' },
    { containerID: 'live', ifname: 'eth0' },
    { containerID: 'live', ifname: 'net2' },
    { containerID: 'nocache', ifname: 'eth0' },
    { containerID: 'nocache', ifname: 'eth1' },
    { containerID: 'nocache', ifname: 'net2' },
  ]);
});

test('validAttachments: a stale attachment is never valid', () => {
  const p = plan([entry('gone', 10 * MIN)], new Set(), NOW, 5 * MIN);
  assert.equal(validAttachments(p, new Set()), []);
});

test.run();
