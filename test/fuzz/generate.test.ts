import { test } from 'uvu';
import { resolve } from 'node:path';
import * as assert from 'uvu/assert';
import { baseConfig, DATA_DIRS, generateCase, HOSTILE_STRINGS, PLUGINS, serialize, validIfName, VERBS } from '../../fuzz/generate.ts';

test('generateCase is a pure function of (seed, index)', () => {
  for (let i = 0; i < 200; i++) assert.equal(generateCase(99, i), generateCase(99, i));
  const a = Array.from({ length: 50 }, (_, i) => generateCase(1, i).stdin);
  const b = Array.from({ length: 50 }, (_, i) => generateCase(2, i).stdin);
  assert.not.equal(a, b);
});

test('generateCase covers every plugin and verb, valid and invalid inputs', () => {
  const cases = Array.from({ length: 500 }, (_, i) => generateCase(3, i));
  for (const p of PLUGINS) assert.ok(cases.some((c) => c.plugin === p), p);
  for (const v of VERBS) assert.ok(cases.some((c) => c.verb === v), v);
  assert.ok(cases.some((c) => c.invalid));
  assert.ok(cases.some((c) => !c.invalid && c.mutations.length === 0));
});

test('generateCase keeps host-local on the case dir: dataDir is never dropped or renamed', () => {
  for (let i = 0; i < 1000; i++) {
    const c = generateCase(5, i);
    if (c.plugin === 'portmap') continue;
    let conf: unknown;
    try {
      conf = JSON.parse(c.stdin);
    } catch {
      continue;
    }
    const ipam = (conf as { ipam?: unknown } | null)?.ipam;
    if (ipam === null || typeof ipam !== 'object') continue;
    const dataDir = (ipam as { dataDir?: unknown }).dataDir;
    assert.ok(typeof dataDir !== 'string' || dataDir.startsWith('@') || !dataDir.startsWith('/'), `case ${i}: ${dataDir}`);
    assert.ok(dataDir !== undefined && dataDir !== '', `case ${i}: no dataDir`);
  }
});

test('baseConfig of every plugin is one JSON object naming the plugin', () => {
  for (const p of PLUGINS) {
    const conf = baseConfig(p, 'ADD', 0);
    assert.is(conf.type, p);
    assert.is(conf.cniVersion, '1.1.0');
  }
  assert.ok('cni.dev/valid-attachments' in baseConfig('bridge', 'GC', 0));
});

test('serialize puts raw tokens in place of their placeholders, then applies text edits', () => {
  const s = serialize({ mtu: '@RAW0@', a: 1 }, new Map([['@RAW0@', '80.0']]), [(t) => `${t} `]);
  assert.is(s, '{"mtu":80.0,"a":1} ');
});

test('validIfName follows the kernel: 1-15 bytes, no slash, colon or space, not . or ..', () => {
  assert.ok(validIfName('eth0'));
  assert.ok(validIfName('e'.repeat(15)));
  for (const bad of ['', 'e'.repeat(16), 'a/b', 'a:b', 'a b', '.', '..', 'éééééééé']) assert.not.ok(validIfName(bad), bad);
});


test('generateCase never leads host-local out of the case dir: dataDir joined with the network name stays inside', () => {
  const dir = '/tmp/case';
  for (let i = 0; i < 1000; i++) {
    const c = generateCase(11, i);
    let conf: { name?: unknown; ipam?: { dataDir?: unknown } } | null;
    try {
      conf = JSON.parse(c.stdin);
    } catch {
      continue;
    }
    const dataDir = conf?.ipam?.dataDir;
    if (typeof dataDir !== 'string' || typeof conf?.name !== 'string') continue;
    const resolved = resolve(dir, dataDir.replaceAll('@DATA@', `${dir}/d1/d2/d3/data`).replaceAll('@DIR@', dir), conf.name);
    assert.ok(resolved.startsWith(`${dir}/`), `case ${i}: ${dataDir} + ${conf.name} -> ${resolved}`);
  }
});

test('every dataDir the generator picks, joined with every hostile network name, stays in the case dir', () => {
  const dir = '/tmp/case';
  for (const [d] of [['@DATA@'], ...DATA_DIRS]) {
    for (const name of ['fznet', ...HOSTILE_STRINGS]) {
      const resolved = resolve(dir, d!.replaceAll('@DATA@', `${dir}/d1/d2/d3/data`).replaceAll('@DIR@', dir), name);
      assert.ok(resolved.startsWith(`${dir}/`), `${d} + ${JSON.stringify(name)} -> ${resolved}`);
    }
  }
});

test.run();
