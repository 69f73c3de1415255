// The layers stay honest: lib/ serves every plugin and knows none of them, holds only what two or
// more plugins or tools share, and the pure planners (rules computed from data, unit-tested as
// text) never reach the kernel, a process or the disk.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts') ? [p] : [];
  });
}

/** Every module a file imports (static or dynamic), as a path from the repo root or a bare name. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), s)) : s));
}

/** Who a file belongs to: a plugin, a tool (bin/<tool>, the conformance suite), or lib itself. */
function ownerOf(file: string): string {
  const m = /^(plugins\/[^/]+|ipam\/[^/]+|conformance|bin\/[^/.]+)/.exec(file);
  return m?.[1] === 'bin/cni-conformance' ? 'conformance' : (m?.[1] ?? 'lib');
}

/** For each lib module, the plugins and tools that use it, directly or through other lib modules. */
function libUsers(): Map<string, Set<string>> {
  const files = ['lib', 'plugins', 'ipam', 'bin', 'conformance'].flatMap(sources);
  const known = new Set(files);
  const imports = new Map(files.map((f) => [f, importsOf(f).filter((i) => known.has(i))]));
  const users = new Map<string, Set<string>>(files.filter((f) => f.startsWith('lib/')).map((f) => [f, new Set()]));
  const visit = (file: string, owner: string, seen: Set<string>): void => {
    for (const i of imports.get(file) ?? []) {
      if (!i.startsWith('lib/') || seen.has(i)) continue;
      seen.add(i);
      users.get(i)!.add(owner);
      visit(i, owner, seen);
    }
  };
  for (const f of files) if (ownerOf(f) !== 'lib') visit(f, ownerOf(f), new Set());
  return users;
}

test('lib/ never imports a plugin, the entry points, the tools or the tests', () => {
  const bad = sources('lib').flatMap((f) => importsOf(f).filter((i) => /^(plugins|ipam|bin|conformance|test|e2e|bench)\//.test(i)).map((i) => `${f} -> ${i}`));
  assert.equal(bad, []);
});

test('every lib module is used by two or more plugins or tools (else it lives with its one user)', () => {
  const lonely = [...libUsers()].filter(([, u]) => u.size < 2).map(([f, u]) => `${f}: ${[...u].join(', ') || 'no user'}`);
  assert.equal(lonely, []);
});

const PLANNERS = [
  'plugins/bridge/masq/iptables-plan.ts',
  'plugins/bridge/masq/nft-plan.ts',
  'lib/firewall/iptables-text.ts',
  'lib/firewall/nft-listing.ts',
  'plugins/bridge/spoofcheck/plan.ts',
  'plugins/portmap/firewall/iptables-plan.ts',
  'plugins/portmap/firewall/iptables-script.ts',
  'plugins/portmap/firewall/nft-plan.ts',
  'plugins/portmap/firewall/types.ts',
];
const EFFECTFUL = /^(node:(child_process|fs|net|dgram)|netlink|lib\/(net|native)\/|ipam\/host-local\/store\/|lib\/firewall\/(run|iptables|nft|nft-netlink|backend)\.ts$|plugins\/portmap\/conntrack\.ts$)/;

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

test('the test tree mirrors the source tree: test/<file>[.<aspect>][.integration].test.ts tests <file>', () => {
  const tests = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return p === 'test/helpers' ? [] : tests(p);
      return e.name.endsWith('.test.ts') ? [p] : [];
    });
  const orphans = tests('test').filter((t) => {
    if (t === 'test/layering.test.ts') return false; // tests the tree itself
    const parts = t.slice('test/'.length, -'.test.ts'.length).replace(/\.integration$/, '').split('.');
    // The source is the longest dotted prefix that names a file: convert.parse -> convert.ts.
    for (let n = parts.length; n > 0; n--) {
      const stem = parts.slice(0, n).join('.');
      if (existsSync(join(ROOT, `${stem}.ts`)) || existsSync(join(ROOT, stem))) return false;
    }
    return true;
  });
  assert.equal(orphans, []);
});

test.run();
