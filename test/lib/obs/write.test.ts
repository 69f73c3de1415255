import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OperationRecord } from '../../../lib/obs/log.ts';
import { PROM_FILE } from '../../../lib/obs/metrics.ts';
import { warmUp, write, type Pending } from '../../../lib/obs/write.ts';
import { cleanup, tempDir } from '../../helpers/netns.ts';
import { operationRecord } from '../../helpers/obs.ts';

test.after(cleanup);

const pending = (over: Partial<OperationRecord> = {}): Pending => ({
  record: operationRecord(over),
  samples: [{ kind: 'portmap', network: 'n', backend: 'nftables', attachment: 'c1/eth0', mappings: 1 }],
  level: 'info',
});

test('warmUp writes nothing: the log gets an empty append, the metrics file stays as it was', () => {
  const dir = tempDir('obswrite');
  const logFile = join(dir, 'cni.log');
  const metricsDir = join(dir, 'metrics');
  write({ logFile, logLevel: 'info', metricsDir }, [pending()]);
  const log = readFileSync(logFile, 'utf8');
  const prom = readFileSync(join(metricsDir, PROM_FILE), 'utf8');
  const seen = warmUp({ logFile, logLevel: 'info', metricsDir }, pending({ command: 'DEL' }));
  assert.is(readFileSync(logFile, 'utf8'), log);
  assert.is(readFileSync(join(metricsDir, PROM_FILE), 'utf8'), prom);
  assert.is(seen?.text, prom);
});

test('write with the file warmUp read counts once; after another writer, it reads the file again', () => {
  const dir = tempDir('obswrite');
  const settings = { logLevel: 'info' as const, metricsDir: dir };
  const seen = warmUp(settings, pending());
  write(settings, [pending()], seen);
  const count = (): string => /cni_ts_operations_total\{plugin="portmap",command="ADD",result="ok"\} (\d+)/.exec(readFileSync(join(dir, PROM_FILE), 'utf8'))![1]!;
  assert.is(count(), '1');
  const stale = warmUp(settings, pending());
  write(settings, [pending()], undefined);
  write(settings, [pending()], stale);
  assert.is(count(), '3');
  writeFileSync(join(dir, PROM_FILE), 'not ours\n');
  write(settings, [pending()], stale);
  assert.is(count(), '1', 'a file without our state starts the counters again');
});

test.run();
