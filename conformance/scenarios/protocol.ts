// Section 5, protocol (1-8): the skel behaviour every plugin shares, checked on each plugin
// plugins separately so that a missing plugin skips only its own rows.
import { deepStrictEqual as eq, ok } from 'node:assert/strict';
import type { Ctx } from '../harness/context.ts';
import { ALL_VERSIONS, type Scenario } from '../types.ts';
import { hostLocal } from './host-local-kit.ts';

const PLUGINS = [
  ['h', 'host-local'],
  ['b', 'bridge'],
  ['p', 'portmap'],
  ['l', 'loopback'],
] as const;

// A config every plugin parses far enough for the skel checks; it is never applied (each case fails earlier).
const conf = (t: Ctx, extra: object = {}) => ({ cniVersion: t.version, name: 'proto-net', type: 'x', ...extra });

function perPlugin(id: string, title: string, versions: Scenario['versions'], run: (t: Ctx, plugin: string) => Promise<void>): Scenario[] {
  return PLUGINS.map(([letter, plugin]) => ({ id: `${id}${letter}`, area: 'protocol', title: `${plugin}: ${title}`, plugins: [plugin], versions, family: 'reference', run: (t: Ctx) => run(t, plugin) }));
}

export const protocolScenarios: Scenario[] = [
  ...perPlugin('1', 'VERSION answers the supported versions and ignores stdin', ALL_VERSIONS, async (t, plugin) => {
    const o = await t.exec(plugin, { command: 'VERSION', stdin: 'garbage {', containerId: null, ifname: null, path: null, onHost: true });
    eq(o.code, 0);
    ok(o.stdout.endsWith('\n'), 'VERSION output ends with a newline');
    const v = JSON.parse(o.stdout) as { cniVersion: string; supportedVersions: string[] };
    eq(v.supportedVersions, ALL_VERSIONS.slice(0, v.supportedVersions.length), 'supportedVersions is the reference list, in order');
    eq(v.cniVersion, v.supportedVersions.at(-1));
    if (t.versions.includes('1.1.0')) {
      eq(o.stdout, `{"cniVersion":"1.1.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}\n`);
    }
  }),
  ...perPlugin('2', 'an unset CNI_COMMAND prints the about text on stderr and exits 0', ALL_VERSIONS, async (t, plugin) => {
    const o = await t.exec(plugin, { command: '', containerId: null, ifname: null, path: null, onHost: true });
    eq(o.code, 0);
    eq(o.stdout, '');
    ok(o.stderr.includes('CNI protocol versions supported'), o.stderr);
  }),
  ...perPlugin('3', 'an unknown CNI_COMMAND is code 4', ALL_VERSIONS, async (t, plugin) => {
    const ns = await t.netns();
    t.fail(await t.exec(plugin, { command: 'FOO', netns: ns.path, stdin: conf(t) }), 4, 'unknown CNI_COMMAND: FOO');
  }),
  ...perPlugin('4', 'missing or invalid CNI_* variables are code 4', ALL_VERSIONS, async (t, plugin) => {
    const ns = await t.netns();
    const stdin = conf(t);
    const e = t.fail(await t.exec(plugin, { command: 'ADD', containerId: null, ifname: null, path: null, stdin }), 4);
    eq(e.msg, 'required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing');
    t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, path: null, stdin }), 4, 'required env variables [CNI_PATH] missing');
    t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, ifname: '0123456789abcdef', stdin }), 4, 'interface name is too long');
    t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, ifname: 'a/b', stdin }), 4, 'interface name contains / or : or whitespace characters');
    const bad = t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, containerId: '-bad', stdin }), 4, 'invalid characters in containerID');
    eq(bad.details, '-bad');
  }),
  ...perPlugin('5', 'bad JSON is code 6, a missing or bad network name code 7', ALL_VERSIONS, async (t, plugin) => {
    const ns = await t.netns();
    t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, stdin: '{' }), 6, 'error unmarshall network config');
    t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, stdin: { cniVersion: t.version, type: plugin } }), 7, 'missing network name');
    const e = t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, stdin: conf(t, { name: 'a/b' }) }), 7, 'invalid characters found in network name');
    eq(e.details, 'a/b');
    // Valid JSON, but deeper than Go's decoder goes: refused before anything reads it.
    const deep = `{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, stdin: deep }), 6, "error unmarshall network config: invalid character '[' exceeded max depth");
  }),
  // The reference answers code 999 (every plugin error that is not a *types.Error); ours is 7. Both name the field.
  ...perPlugin('5t', 'a field of the wrong type or an int written 1500.0 is refused, naming the field', ALL_VERSIONS, async (t, plugin) => {
    const ns = await t.netns();
    t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, stdin: conf(t, { type: plugin, ipam: [] }) }), undefined, /\bipam\b/);
    if (plugin === 'host-local') return;
    const wrongCapability = conf(t, { type: plugin, capabilities: { portMappings: 'yes' } });
    t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, stdin: wrongCapability }), undefined, /\bcapabilities\b/);
    if (plugin === 'loopback') return; // it has neither mtu nor portMappings
    const fraction = `{"cniVersion":"${t.version}","name":"proto-net","type":"${plugin}","mtu":1500.0,"runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80.0,"protocol":"tcp"}]}}`;
    const field = plugin === 'bridge' ? /\bmtu\b.*\b1500\.0\b|\b1500\.0\b.*\bmtu\b/ : /\bcontainerPort\b.*\b80\.0\b|\b80\.0\b.*\bcontainerPort\b/;
    t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, stdin: fraction }), undefined, field);
  }),
  ...perPlugin('6', 'an unsupported cniVersion is code 1; CHECK below 0.4.0 is code 1', ALL_VERSIONS, async (t, plugin) => {
    const ns = await t.netns();
    const e = t.fail(await t.exec(plugin, { command: 'ADD', netns: ns.path, stdin: conf(t, { cniVersion: '0.5.0' }) }), 1, 'incompatible CNI versions');
    ok(e.details?.startsWith('config is "0.5.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0" "1.0.0"'), e.details);
    t.fail(await t.exec(plugin, { command: 'CHECK', netns: ns.path, stdin: conf(t, { cniVersion: '0.3.1' }) }), 1, 'config version does not allow CHECK');
  }),
  ...perPlugin('6g', 'GC and STATUS below 1.1.0 are code 1', ['1.1.0'], async (t, plugin) => {
    for (const command of ['GC', 'STATUS']) {
      t.fail(await t.exec(plugin, { command, containerId: null, ifname: null, stdin: conf(t, { cniVersion: '1.0.0' }) }), 1, `config version does not allow ${command}`);
    }
  }),
  ...perPlugin('7', 'GC and STATUS with 1.1.0 exit 0 with no output', ['1.1.0'], async (t, plugin) => {
    const dataDir = t.tmpdir();
    const stdin = conf(t, { type: plugin, ipam: { type: 'host-local', dataDir, subnet: '10.1.2.0/24' }, 'cni.dev/valid-attachments': [], 'cni.dev/attachments': [] });
    for (const command of ['GC', 'STATUS']) {
      const o = await t.exec(plugin, { command, containerId: null, ifname: null, stdin });
      eq([o.code, o.stdout], [0, ''], `${command}: ${o.stdout}`);
    }
  }).map((s) => (s.id === '7b' ? { ...s, plugins: ['bridge', 'host-local'] } : s)),
  {
    id: '8',
    area: 'protocol',
    title: 'host-local: each spec version gets its own result layout',
    plugins: ['host-local'],
    versions: ALL_VERSIONS,
    family: 'reference',
    run: async (t) => {
      const hl = await hostLocal(t, 'vernet');
      for (const [i, version] of t.versions.entries()) {
        const conf = { ...hl.conf({ ranges: [[{ subnet: '10.1.2.0/24' }], [{ subnet: '2001:db8:1::/64' }]] }, {}, 'vernet'), cniVersion: version };
        const r = t.ok(await hl.call('ADD', conf, { containerId: `ver${i}` }), `ADD ${version}`)!;
        eq(r.cniVersion, version);
        if (version === '0.1.0' || version === '0.2.0') {
          ok(r.ip4 && r.ip6 && !r.ips, `${version}: ip4/ip6 objects: ${JSON.stringify(r)}`);
          eq(r.dns, {});
        } else if (version.startsWith('0.')) {
          const ips = r.ips as { version: string }[];
          eq(ips.map((ip) => ip.version), ['4', '6'], `${version}: ips[].version`);
          eq(r.dns, {}, `${version}: "dns": {} is always there`);
        } else {
          ok((r.ips as object[]).every((ip) => !('version' in ip)), `${version}: no ips[].version`);
          // Go plugins built on libcni < 1.2 (Debian's 1.1.1) print "dns": {} for 1.0.0 too; the empty
          // dns is left out since then. Both mean the same; 1.1.0 implies the newer library.
          if (version === '1.1.0') ok(!('dns' in r), `${version}: an empty dns is left out`);
          else ok(!('dns' in r) || JSON.stringify(r.dns) === '{}', `${version}: dns is absent or empty`);
        }
        t.ok(await hl.call('DEL', conf, { containerId: `ver${i}` }), `DEL ${version}`);
      }
    },
  },
];

