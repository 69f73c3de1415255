// The layers stay honest: lib/ serves every plugin and knows none of them, and the pure planners
// (rules computed from data, unit-tested as text) never reach the kernel, a process or the disk.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file imports (static or dynamic), as a path from the repo root or a bare name. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), s)) : s));
}

test('lib/ never imports a plugin, the entry points, the tools or the tests', () => {
  const bad = sources('lib').flatMap((f) => importsOf(f).filter((i) => /^(plugins|ipam|bin|conformance|test|e2e|bench)\//.test(i)).map((i) => `${f} -> ${i}`));
  assert.equal(bad, []);
});

const PLANNERS = [
  'lib/firewall/masq-iptables.ts',
  'lib/firewall/masq-nft.ts',
  'lib/firewall/nft-listing.ts',
  'lib/firewall/spoofcheck-plan.ts',
  'lib/firewall/portmap/iptables-plan.ts',
  'lib/firewall/portmap/iptables-script.ts',
  'lib/firewall/portmap/nft-plan.ts',
  'lib/firewall/portmap/types.ts',
];
const EFFECTFUL = /^(node:(child_process|fs|net|dgram)|netlink|lib\/(net|native|store)\/|lib\/firewall\/(run|iptables|nft|nft-netlink|backend|conntrack)\.ts$)/;

test('rule planners import nothing that runs a process, touches the kernel or the disk', () => {
  const bad = PLANNERS.flatMap((f) => {
    // A type-only import of an executor module (its data shapes) is fine: it is erased.
    const text = readFileSync(join(ROOT, f), 'utf8');
    const typeOnly = new Set([...text.matchAll(/import type [^;]+ from '([^']+)'/g)].map((m) => relative(ROOT, resolve(ROOT, dirname(f), m[1]!))));
    return importsOf(f).filter((i) => EFFECTFUL.test(i) && !typeOnly.has(i)).map((i) => `${f} -> ${i}`);
  });
  assert.equal(bad, []);
});

test('plugins reach each other only through the protocol (delegation), never by import', () => {
  const owners = ['plugins/bridge', 'plugins/portmap', 'ipam/host-local'];
  const bad = owners.flatMap((own) =>
    sources(own).flatMap((f) => importsOf(f).filter((i) => owners.some((o) => o !== own && i.startsWith(`${o}/`))).map((i) => `${f} -> ${i}`)),
  );
  assert.equal(bad, []);
});

test.run();
