// The shared backend choice with fake probes and operations: no process runs, no root needed.
// The common path (iptables works, or a backend is configured) must not probe at all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anyUsable, defaultBackend, onEveryBackend, withBackend, type Backend, type Backends, type BackendImpl, type Probes } from '../../../lib/firewall/backend.ts';
import { ToolError } from '../../../lib/firewall/run.ts';

function fakeProbes(iptables: boolean, nftables: boolean) {
  const asked: string[] = [];
  const probes: Probes = {
    iptables: async () => (asked.push('iptables'), iptables),
    nftables: async () => (asked.push('nftables'), nftables),
  };
  return { probes, asked };
}

const toolError = (): ToolError => new ToolError('iptables-restore', 'iptables-restore -w --noflush failed (exit 1): no nat table', 1, 'no nat table');

/** An operation that fails with `err` on iptables and succeeds on nftables, recording its tries. */
function op(err?: Error) {
  const tried: Backend[] = [];
  const run = async (b: Backend): Promise<string> => {
    tried.push(b);
    if (b === 'iptables' && err) throw err;
    return `done on ${b}`;
  };
  return { run, tried, error: err };
}

async function rejectsWith(p: Promise<unknown>, err: Error): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.is(e, err);
    return;
  }
  assert.unreachable('expected a rejection');
}

test('a configured backend is used as is, without probing', async () => {
  for (const b of ['iptables', 'nftables'] as const) {
    const { probes, asked } = fakeProbes(false, false);
    const o = op();
    assert.is(await withBackend(b, o.run, probes), `done on ${b}`);
    assert.equal([o.tried, asked], [[b], []]);
  }
});

test('the default tries iptables and probes nothing when it works', async () => {
  const { probes, asked } = fakeProbes(true, true);
  const o = op();
  assert.is(await withBackend(undefined, o.run, probes), 'done on iptables');
  assert.equal([o.tried, asked], [['iptables'], []]);
});

test('iptables failing as a tool, unusable, with nftables usable: nftables', async () => {
  const { probes, asked } = fakeProbes(false, true);
  const o = op(toolError());
  assert.is(await withBackend(undefined, o.run, probes), 'done on nftables');
  assert.equal([o.tried, asked], [['iptables', 'nftables'], ['iptables', 'nftables']]);
});

test('a tool error wrapped as the cause counts as the tool failing', async () => {
  const { probes } = fakeProbes(false, true);
  const o = op(new Error('could not check ipv4 dnat', { cause: toolError() }));
  assert.is(await withBackend(undefined, o.run, probes), 'done on nftables');
});

test('iptables usable after all: its error stands and nftables is not asked', async () => {
  const { probes, asked } = fakeProbes(true, true);
  const o = op(toolError());
  await rejectsWith(withBackend(undefined, o.run, probes), o.error!);
  assert.equal([o.tried, asked], [['iptables'], ['iptables']]);
});

test('neither usable: the iptables error is reported', async () => {
  const { probes } = fakeProbes(false, false);
  const o = op(toolError());
  await rejectsWith(withBackend(undefined, o.run, probes), o.error!);
  assert.equal(o.tried, ['iptables']);
});

test('an error that is not a tool failing is thrown without probing', async () => {
  const { probes, asked } = fakeProbes(false, true);
  const o = op(new Error('IPAM plugin returned missing IP config'));
  await rejectsWith(withBackend(undefined, o.run, probes), o.error!);
  assert.equal([o.tried, asked], [['iptables'], []]);
});

/** A registry whose implementations record the operations run on them and fail when told to. */
function registry(usable: Record<Backend, boolean>, failing: Backend[] = []) {
  const ran: Backend[] = [];
  type Impl = BackendImpl & { run(): Promise<void> };
  const impl = (b: Backend): Impl => ({
    usable: async () => usable[b],
    run: async () => {
      ran.push(b);
      if (failing.includes(b)) throw new Error(`${b} failed`);
    },
  });
  const r: Backends<Impl> = { iptables: async () => impl('iptables'), nftables: async () => impl('nftables') };
  return { r, ran };
}

test('onEveryBackend runs on both; a failure counts only where its backend is usable, all combined', async () => {
  const quiet = registry({ iptables: true, nftables: false }, ['nftables']);
  await onEveryBackend(quiet.r, (f) => f.run());
  assert.equal(quiet.ran, ['iptables', 'nftables']);
  const loud = registry({ iptables: true, nftables: true }, ['iptables', 'nftables']);
  try {
    await onEveryBackend(loud.r, (f) => f.run());
    assert.unreachable('expected a rejection');
  } catch (err) {
    assert.match((err as Error).message, 'iptables failed');
    assert.match((err as { details: string }).details, 'nftables failed');
  }
});

test('defaultBackend and anyUsable follow the implementations\' own usability', async () => {
  assert.is(await defaultBackend(registry({ iptables: true, nftables: true }).r), 'iptables');
  assert.is(await defaultBackend(registry({ iptables: false, nftables: true }).r), 'nftables');
  assert.is(await defaultBackend(registry({ iptables: false, nftables: false }).r), 'iptables');
  assert.is(await anyUsable(registry({ iptables: false, nftables: true }).r), true);
  assert.is(await anyUsable(registry({ iptables: false, nftables: true }).r, 'iptables'), false);
  assert.is(await anyUsable(registry({ iptables: false, nftables: false }).r), false);
});

test.run();
