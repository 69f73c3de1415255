// A finished operation's record as the writers take it: portmap ADD of c1/eth0 on network "n",
// 12 ms, ok, no facts, unless `over` says otherwise.
import type { OperationRecord } from '../../lib/obs/log.ts';

export const operationRecord = (over: Partial<OperationRecord> = {}): OperationRecord => ({
  plugin: 'portmap',
  command: 'ADD',
  network: 'n',
  containerID: 'c1',
  ifname: 'eth0',
  netns: '/x',
  ms: 12,
  error: undefined,
  trace: { traceID: 'a'.repeat(32), spanID: 'b'.repeat(16), flags: '00' },
  did: {},
  warnings: [],
  steps: [],
  ...over,
});
