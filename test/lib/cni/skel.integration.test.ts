// The CNI protocol as a runtime sees it, through the built executable: VERSION, the about text,
// every environment and version error, and the multicall dispatch on the invoked name.
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN_DIR, errorOf, execPlugin, REFERENCE_DIR, type Invocation } from '../../helpers/exec.ts';

const PLUGIN_NAMES = readFileSync(resolve(BIN_DIR, '../plugins.txt'), 'utf8').split('\n').filter(Boolean);
// Protocol behaviour is the same for every plugin: exercise it through the IPAM plugin, which
// touches nothing in the kernel.
const PLUGIN = 'host-local';
const VERSIONS = '["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]';

const attach = { containerID: 'proto-ctr', netns: '/var/run/netns/does-not-matter', ifname: 'eth0', path: BIN_DIR };
const conf = (extra: object = {}): object => ({ cniVersion: '1.0.0', name: 'proto-net', type: PLUGIN, ...extra });
const run = (inv: Invocation) => execPlugin(PLUGIN, inv);

test('VERSION answers the supported versions on every plugin name, without reading stdin', () => {
  assert.ok(PLUGIN_NAMES.includes(PLUGIN));
  for (const name of PLUGIN_NAMES) {
    const o = execPlugin(name, { command: 'VERSION', stdin: 'this is not JSON' });
    assert.is(o.code, 0, name);
    assert.is(o.stdout, `{"cniVersion":"1.1.0","supportedVersions":${VERSIONS}}\n`);
    assert.is(o.stderr, '');
  }
});

test('an empty CNI_COMMAND prints the about text on stderr and exits 0', () => {
  const o = run({ command: '' });
  assert.is(o.code, 0);
  assert.is(o.stdout, '');
  assert.match(o.stderr, /^CNI host-local plugin/);
  assert.match(o.stderr, /CNI protocol versions supported: 0\.1\.0, 0\.2\.0, 0\.3\.0, 0\.3\.1, 0\.4\.0, 1\.0\.0, 1\.1\.0\n$/);
});

test('errors are 4-space indented JSON on stdout without a trailing newline, exit 1', () => {
  const o = run({ command: 'ADD' });
  assert.is(o.code, 1);
  assert.is(o.stdout, '{\n    "code": 4,\n    "msg": "required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing"\n}');
});

const envCases: [string, Invocation, number, string, string?][] = [
  ['DEL without ifname and path', { command: 'DEL', containerID: 'c' }, 4, 'required env variables [CNI_IFNAME,CNI_PATH] missing'],
  ['GC without CNI_PATH', { command: 'GC' }, 4, 'required env variables [CNI_PATH] missing'],
  ['a bad container ID', { ...attach, command: 'ADD', containerID: 'a b' }, 4, 'invalid characters in containerID', 'a b'],
  ['a long ifname', { ...attach, command: 'ADD', ifname: 'x'.repeat(16) }, 4, 'interface name is too long', 'interface name should be less than 16 characters'],
  ['an ifname with a slash', { ...attach, command: 'DEL', ifname: 'a/b' }, 4, 'interface name contains / or : or whitespace characters'],
  ['an unknown command', { ...attach, command: 'FOO', stdin: conf() }, 4, 'unknown CNI_COMMAND: FOO'],
  ['stdin that is not JSON', { ...attach, command: 'ADD', stdin: '{"name":' }, 6, 'error unmarshall network config: '],
  ['no network name', { ...attach, command: 'ADD', stdin: { cniVersion: '1.0.0' } }, 7, 'missing network name'],
  ['a bad network name', { ...attach, command: 'DEL', stdin: conf({ name: 'bad/name' }) }, 7, 'invalid characters found in network name', 'bad/name'],
  ['an unsupported version', { ...attach, command: 'ADD', stdin: conf({ cniVersion: '0.5.0' }) }, 1, 'incompatible CNI versions', `config is "0.5.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0" "1.0.0" "1.1.0"]`],
  ['CHECK below 0.4.0', { ...attach, command: 'CHECK', stdin: conf({ cniVersion: '0.3.1' }) }, 1, 'config version does not allow CHECK'],
  ['CHECK with a malformed version', { ...attach, command: 'CHECK', stdin: conf({ cniVersion: '1.x' }) }, 6, 'failed to convert minor version part "x"'],
  ['CHECK above every supported version', { ...attach, command: 'CHECK', stdin: conf({ cniVersion: '2.0.0' }) }, 1, 'plugin version does not allow CHECK'],
  ['GC below 1.1.0', { path: BIN_DIR, command: 'GC', stdin: conf() }, 1, 'config version does not allow GC'],
  ['STATUS below 1.1.0', { path: BIN_DIR, command: 'STATUS', stdin: conf() }, 1, 'config version does not allow STATUS'],
  ['a missing version on CHECK (means 0.1.0)', { ...attach, command: 'CHECK', stdin: { name: 'n' } }, 1, 'config version does not allow CHECK'],
];
for (const [name, inv, code, msg, details] of envCases) {
  test(`error for ${name}: code ${code}`, () => {
    const e = errorOf(run(inv));
    assert.is(e.code, code);
    assert.ok(e.msg.startsWith(msg), e.msg);
    assert.is(e.details, details);
  });
}

test('ADD into the plugin\'s own netns is refused with code 8 before any work', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cnits-proto-'));
  try {
    const stdin = conf({ ipam: { type: PLUGIN, subnet: '10.250.0.0/24', dataDir } });
    const e = errorOf(run({ ...attach, command: 'ADD', netns: '/proc/self/ns/net', stdin }));
    assert.is(e.code, 8);
    assert.is(e.msg, "plugin's netns and netns from CNI_NETNS should not be the same");
    assert.is(readdirSafe(join(dataDir, 'proto-net')).length, 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

test('error output never carries a stack trace', () => {
  for (const inv of [{ ...attach, command: 'ADD', stdin: '[' }, { ...attach, command: 'ADD', stdin: conf({ ipam: 5 }) }]) {
    const o = run(inv);
    assert.is(o.code, 1);
    assert.not.match(o.stdout + o.stderr, /\n\s+at /);
  }
});

test('an unknown invoked name prints a clear message and exits non-zero', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnits-name-'));
  try {
    symlinkSync(resolve(BIN_DIR, 'cni-ts'), join(dir, 'no-such-plugin'));
    const o = execPlugin(join(dir, 'no-such-plugin'), { command: 'VERSION' });
    assert.ok(o.code !== 0 && o.code !== null);
    assert.match(o.stderr, /unknown plugin name/);
    assert.match(o.stderr, new RegExp(PLUGIN));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('environment errors read exactly like the reference plugin\'s', () => {
  const ref = join(REFERENCE_DIR, 'host-local');
  const cases: Invocation[] = [
    { command: 'ADD' },
    // Debian's 1.1.1 reads and checks the config before the container ID and ifname (newer skels
    // check the environment first), so these carry a valid config to compare the same check.
    { ...attach, command: 'ADD', containerID: '-x', stdin: conf() },
    { ...attach, command: 'ADD', ifname: 'a:b', stdin: conf() },
    { ...attach, command: 'CHECK', stdin: conf({ cniVersion: '0.3.0' }) },
    { ...attach, command: 'DEL', stdin: '{"name":"x","cniVersion":"1.0.0"' },
  ];
  for (const inv of cases) {
    const ours = run(inv);
    const theirs = execPlugin(ref, inv);
    assert.is(ours.code, theirs.code);
    assert.is(ours.stdout, theirs.stdout);
  }
});

test.run();
