// The gc's CRI client: which endpoints it takes, and that a call never waits past its deadline
// nor turns a failure into an empty list.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { criTarget, listPodSandboxes } from '../../../../bin/admin/gc/cri.ts';
import { throwsMessage } from '../../../helpers/assert.ts';

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
};

test('criTarget: unix:///path or an absolute path; anything else is refused', () => {
  assert.is(criTarget('unix:///run/containerd/containerd.sock'), 'unix:///run/containerd/containerd.sock');
  assert.is(criTarget('/run/crio/crio.sock'), 'unix:///run/crio/crio.sock');
  for (const bad of ['tcp://127.0.0.1:10010', 'run/x.sock', 'unix://relative.sock', '']) throwsMessage(() => criTarget(bad), /^--cri-endpoint: want unix:\/\/\//);
});

test('listPodSandboxes: no socket is an error naming the endpoint, never an empty list', async () => {
  const err = await rejection(listPodSandboxes('unix:///nonexistent/cri.sock', 2_000));
  assert.match(err.message, /^CRI ListPodSandbox on unix:\/\/\/nonexistent\/cri\.sock: .*ENOENT.* \(gRPC code 14\)$/);
});

test('listPodSandboxes: a runtime that accepts and never answers fails at the deadline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnits-cri-'));
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s)); // accepts, says nothing
  await new Promise<void>((resolve) => server.listen(join(dir, 'mute.sock'), resolve));
  try {
    const t0 = Date.now();
    const err = await rejection(listPodSandboxes(`unix://${join(dir, 'mute.sock')}`, 300));
    const ms = Date.now() - t0;
    assert.match(err.message, /\(gRPC code 4\)$/);
    assert.ok(ms >= 250 && ms < 5_000, `failed after ${ms} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
