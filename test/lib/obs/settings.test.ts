import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { settingsFor } from '../../../lib/obs/settings.ts';
import { cleanup, tempDir } from '../../helpers/netns.ts';

const NONE = { CNI_TS_CONFIG: '/nonexistent/cni-ts.json' };

test.after(cleanup);

test('nothing configured: off', () => {
  assert.is(settingsFor({ name: 'n', type: 'bridge' }, undefined, NONE), undefined);
  assert.is(settingsFor(undefined, undefined, NONE), undefined);
  assert.is(settingsFor({ logLevel: 'debug' }, undefined, NONE), undefined, 'a level alone turns nothing on');
});

test('the plugin keys, matched as Go matches keys; the level defaults to info', () => {
  assert.equal(settingsFor({ LogFile: '/l', metricsdir: '/m' }, undefined, NONE), { logFile: '/l', metricsDir: '/m', logLevel: 'info' });
});

test("an IPAM plugin's own keys in its object win over its parent's top level", () => {
  const raw = { logFile: '/parent.log', logLevel: 'error', ipam: { type: 'host-local', logLevel: 'debug' } };
  assert.equal(settingsFor(raw, 'ipam', NONE), { logFile: '/parent.log', logLevel: 'debug' });
});

test('values of the wrong kind are skipped, not errors', () => {
  assert.equal(settingsFor({ logFile: 3, metricsDir: '/m', logLevel: 'verbose' }, undefined, NONE), { metricsDir: '/m', logLevel: 'info' });
});

test('the node-wide file gives defaults, the plugin keys win; a broken file is no defaults', () => {
  const dir = tempDir('obsset');
  const node = join(dir, 'cni-ts.json');
  writeFileSync(node, JSON.stringify({ logFile: '/node.log', logLevel: 'warn', metricsDir: '/node-metrics' }));
  const env = { CNI_TS_CONFIG: node };
  assert.equal(settingsFor({}, undefined, env), { logFile: '/node.log', logLevel: 'warn', metricsDir: '/node-metrics' });
  assert.equal(settingsFor({ logFile: '/own.log' }, undefined, env), { logFile: '/own.log', logLevel: 'warn', metricsDir: '/node-metrics' });
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{');
  assert.is(settingsFor({}, undefined, { CNI_TS_CONFIG: broken }), undefined);
});

test.run();
