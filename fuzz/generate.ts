// The case generator: from (seed, index) alone, a plugin, a verb, the CNI_* environment and the
// config on stdin, made by applying 0-3 hostile mutations to a valid config. Each mutation says
// for which verbs the Go reference plugins would refuse its input ("invalid"); a case is invalid
// when any of its mutations is. Paths the sandbox only knows at run time are placeholders:
// @NETNS@ (the container netns), @DIR@ (the case's temp dir, also the plugin's cwd), @DATA@
// (host-local's dataDir, four levels under @DIR@ so that `../../x` names stay inside @DIR@),
// @CNI_PATH@. The sandbox makes @DIR@/afile and @DIR@/d1/d2/d3/afile (regular files) and
// @DIR@/adir before each case. Every dataDir is at least three levels under @DIR@, so no
// hostile network name (at most three `..`) leads host-local out of it (test/fuzz checks).
import { caseRng, type Rng } from './prng.ts';

export const PLUGINS = ['bridge', 'host-local', 'portmap'] as const;
export type Plugin = (typeof PLUGINS)[number];
export const VERBS = ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS', 'VERSION'] as const;
export type Verb = (typeof VERBS)[number];

export interface FuzzCase {
  readonly seed: number;
  readonly index: number;
  readonly plugin: Plugin;
  readonly verb: Verb;
  /** What was done to the valid config and environment, in order. */
  readonly mutations: readonly string[];
  /** The plugin's environment; an absent key is unset. */
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: string;
  /** The Go reference plugins refuse this input for this verb. */
  readonly invalid: boolean;
  /** A valid ADD (of `setupStdin`) runs first, so DEL, CHECK and GC find something. */
  readonly setupStdin: string | null;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
type Key = string | number;

interface State {
  readonly rng: Rng;
  readonly plugin: Plugin;
  readonly verb: Verb;
  conf: Obj;
  env: Record<string, string>;
  /** Text-level edits of the serialized config, applied in order after the object ones. */
  text: ((s: string) => string)[];
  /** Raw JSON tokens (80.0, 1e400) stand in the object as placeholder strings. */
  raw: Map<string, string>;
}

/** Verbs for which the Go plugins decode and validate the whole config and environment. */
const DECODING: readonly Verb[] = ['ADD', 'DEL', 'CHECK'];
const ADD_CHECK: readonly Verb[] = ['ADD', 'CHECK'];
const ALL: readonly Verb[] = VERBS;
/** Go's skel never reads stdin for VERSION. */
const NOT_VERSION: readonly Verb[] = VERBS.filter((v) => v !== 'VERSION');
const NONE: readonly Verb[] = [];

interface Mutation {
  readonly name: string;
  readonly plugins?: readonly Plugin[];
  /**
   * Returns what it did, for which verbs Go refuses the result (none: not known to be invalid),
   * and the slot it wrote (a config path, env.NAME, text): a later mutation of the same slot or
   * of a parent path replaces this one's verdict. Default: the mutation's name.
   */
  apply(st: State): { desc: string; invalid: readonly Verb[]; slot?: string } | null;
}

const CNI_VERSION = '1.1.0';
const NET = 'fznet';

function containerId(index: number): string {
  return `fz${index.toString(16).padStart(8, '0')}`;
}

function ipam(): Obj {
  return { type: 'host-local', dataDir: '@DATA@', ranges: [[{ subnet: '10.1.0.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] };
}

export function baseConfig(plugin: Plugin, verb: Verb, index: number): Obj {
  const common: Obj = { cniVersion: CNI_VERSION, name: NET, type: plugin };
  const conf: Obj =
    plugin === 'bridge'
      ? { ...common, bridge: 'fzbr0', isGateway: true, ipMasq: true, ipam: ipam() }
      : plugin === 'host-local'
        ? { ...common, ipam: ipam() }
        : {
            ...common,
            capabilities: { portMappings: true },
            runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] },
            prevResult: {
              cniVersion: CNI_VERSION,
              interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', sandbox: '@NETNS@' }],
              ips: [{ address: '10.0.0.2/24', gateway: '10.0.0.1', interface: 0 }],
            },
          };
  if (verb === 'GC') conf['cni.dev/valid-attachments'] = [{ containerID: containerId(index), ifname: 'eth0' }];
  return conf;
}

export function baseEnv(verb: Verb, index: number): Record<string, string> {
  const env: Record<string, string> = { CNI_COMMAND: verb, CNI_PATH: '@CNI_PATH@' };
  if (verb === 'ADD' || verb === 'DEL' || verb === 'CHECK') {
    Object.assign(env, { CNI_CONTAINERID: containerId(index), CNI_NETNS: '@NETNS@', CNI_IFNAME: 'eth0' });
  }
  return env;
}

// ---- paths into the config ----

function get(o: Json, path: readonly Key[]): Json | undefined {
  let cur: Json | undefined = o;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<Key, Json>)[k];
  }
  return cur;
}

/** Sets a value at a path whose parent exists and is an object or array; false if it does not. */
function set(o: Obj, path: readonly Key[], value: Json): boolean {
  const parent = get(o, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object' || parent === undefined) return false;
  (parent as Record<Key, Json>)[path[path.length - 1]!] = value;
  return true;
}

const show = (path: readonly Key[]): string => path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').slice(1);

// ---- typed fields of each plugin, for wrong-type mutations ----

type Kind = 'string' | 'bool' | 'int' | 'object' | 'array' | 'strings';
type Field = readonly [path: readonly Key[], kind: Kind];

const R0: readonly Key[] = ['ipam', 'ranges', 0, 0];
const IPAM_FIELDS: readonly Field[] = [
  [['ipam'], 'object'],
  [['ipam', 'type'], 'string'],
  [['ipam', 'dataDir'], 'string'],
  [['ipam', 'ranges'], 'array'],
  [['ipam', 'ranges', 0], 'array'],
  [R0, 'object'],
  [[...R0, 'subnet'], 'string'],
  [[...R0, 'gateway'], 'string'],
  [[...R0, 'rangeStart'], 'string'],
  [[...R0, 'rangeEnd'], 'string'],
  [['ipam', 'routes'], 'array'],
  [['ipam', 'routes', 0], 'object'],
  [['ipam', 'routes', 0, 'dst'], 'string'],
  [['ipam', 'routes', 0, 'gw'], 'string'],
];
const COMMON_FIELDS: readonly Field[] = [
  [['cniVersion'], 'string'],
  [['name'], 'string'],
  [['type'], 'string'],
];
const PM0: readonly Key[] = ['runtimeConfig', 'portMappings', 0];
const PREV_FIELDS: readonly Field[] = [
  [['prevResult'], 'object'],
  [['prevResult', 'ips'], 'array'],
  [['prevResult', 'ips', 0, 'address'], 'string'],
  [['prevResult', 'ips', 0, 'interface'], 'int'],
  [['prevResult', 'interfaces'], 'array'],
  [['prevResult', 'interfaces', 0, 'name'], 'string'],
];
export const FIELDS: Readonly<Record<Plugin, readonly Field[]>> = {
  bridge: [
    ...COMMON_FIELDS,
    ...IPAM_FIELDS.filter(([p]) => p.join() !== 'ipam,dataDir'),
    ...(['isGateway', 'isDefaultGateway', 'forceAddress', 'ipMasq', 'hairpinMode', 'promiscMode', 'macspoofchk', 'enabledad'] as const).map((k): Field => [[k], 'bool']),
    [['bridge'], 'string'],
    [['mtu'], 'int'],
    [['vlan'], 'int'],
    [['dns'], 'object'],
    [['dns', 'nameservers'], 'strings'],
    [['dns', 'domain'], 'string'],
    [['dns', 'search'], 'strings'],
    [['capabilities'], 'object'],
    [['runtimeConfig'], 'object'],
    [['args'], 'object'],
    ...PREV_FIELDS,
  ],
  'host-local': [...COMMON_FIELDS, ...IPAM_FIELDS.filter(([p]) => p.join() !== 'ipam,dataDir'), [['ipam', 'resolvConf'], 'string']],
  portmap: [
    ...COMMON_FIELDS,
    [['snat'], 'bool'],
    [['markMasqBit'], 'int'],
    [['externalSetMarkChain'], 'string'],
    [['conditionsV4'], 'strings'],
    [['conditionsV6'], 'strings'],
    [['capabilities'], 'object'],
    [['capabilities', 'portMappings'], 'bool'],
    [['runtimeConfig'], 'object'],
    [['runtimeConfig', 'portMappings'], 'array'],
    [PM0, 'object'],
    [[...PM0, 'hostPort'], 'int'],
    [[...PM0, 'containerPort'], 'int'],
    [[...PM0, 'protocol'], 'string'],
    [[...PM0, 'hostIP'], 'string'],
    ...PREV_FIELDS,
  ],
};

const WRONG: Readonly<Record<string, Json>> = { string: 'x', bool: true, int: 7, object: { a: 1 }, array: [], strings: ['x'] };

export const HOSTILE_STRINGS: readonly string[] = [
  'A'.repeat(10_000),
  '\u0001\u0002\u0007\u001b[31m',
  '../../etc',
  '../../../x',
  ';rm -rf /',
  '$(touch pwned)',
  '`id`',
  '--help',
  '-j ACCEPT',
  'a\nb',
  '',
  ' ',
  'a/b',
  'éè☃',
  '%s%n%x',
  '\u0000',
];

/** Linux's dev_valid_name and Go's ValidateInterfaceName. */
export const validIfName = (s: string): boolean =>
  s.length > 0 && Buffer.byteLength(s) <= 15 && s !== '.' && s !== '..' && !/[/:\s\u0000]/.test(s);

/** libcni's ValidateContainerID. */
const validContainerId = (s: string): boolean => /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(s);

function rawToken(st: State, token: string): string {
  const key = `@RAW${st.raw.size}@`;
  st.raw.set(key, token);
  return key;
}

/** Odd dataDirs and for which verbs Go refuses them (its host-local makes its directory in every verb). */
export const DATA_DIRS: readonly (readonly [string, readonly Verb[]])[] = [
  ['@DIR@/d1/d2/d3/afile', DECODING],
  ['r1/r2/r3/data', NONE],
  ['@DIR@/d1/d2/d3/', NONE],
  ['@DATA@/../../x', NONE],
  ['@DIR@/d1/d2/d3/afile/sub', DECODING],
];

const fieldsOf = (st: State): Field[] => FIELDS[st.plugin].filter(([p]) => get(st.conf, p) !== undefined || get(st.conf, p.slice(0, -1)) !== undefined);

// ---- the mutations ----

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'wrong type',
    apply(st) {
      const [path, kind] = st.rng.pick(fieldsOf(st));
      const other = st.rng.pick(Object.keys(WRONG).filter((k) => k !== kind && !(kind === 'array' && k === 'strings') && !(kind === 'strings' && k === 'array')));
      if (!set(st.conf, path, structuredClone(WRONG[other]!))) return null;
      // Go's bridge keeps prevResult as a plain map and parses it in CHECK only.
      const prevOnlyInCheck = st.plugin === 'bridge' && path[0] === 'prevResult' && path.length > 1;
      return { desc: `${show(path)} (${kind}) = ${JSON.stringify(WRONG[other])}`, invalid: prevOnlyInCheck ? ['CHECK'] : DECODING, slot: show(path) };
    },
  },
  {
    name: 'float where Go has int',
    apply(st) {
      const ints = fieldsOf(st).filter(([, k]) => k === 'int');
      if (ints.length === 0) return null;
      const [path] = st.rng.pick(ints);
      const token = st.rng.pick(['80.0', '80.5', '1e3', '1e400', '-0.0']);
      if (!set(st.conf, path, rawToken(st, token))) return null;
      // Go decodes prevResult into a generic map first and re-encodes it: a whole float passes.
      const whole = token !== '80.5' && token !== '1e400';
      const invalid = path[0] !== 'prevResult' ? DECODING : whole ? NONE : st.plugin === 'bridge' ? (['CHECK'] as const) : DECODING;
      return { desc: `${show(path)} = ${token}`, invalid, slot: show(path) };
    },
  },
  {
    name: 'hostile string',
    apply(st) {
      const strs = fieldsOf(st).filter(([p, k]) => k === 'string' && p[p.length - 1] !== 'type');
      const [path] = st.rng.pick(strs);
      const s = st.rng.pick(HOSTILE_STRINGS);
      if (!set(st.conf, path, s)) return null;
      const key = path[path.length - 1];
      // Known refusals: a bridge name that is no interface name, an IP or a CIDR that is not one.
      const invalid: readonly Verb[] =
        key === 'bridge' && !validIfName(s)
          ? ['ADD']
          : key === 'address' && st.plugin === 'bridge'
            ? ['CHECK'] // Go's bridge parses prevResult in CHECK only
            : ['subnet', 'gateway', 'rangeStart', 'rangeEnd', 'dst', 'gw', 'address'].includes(String(key)) && s !== ''
              ? DECODING
              : key === 'protocol' && st.plugin === 'portmap' && s !== ''
                ? ['ADD'] // iptables refuses it; "" we read as tcp (README)
              : key === 'cniVersion'
                ? s === '' // an empty version is 0.1.0: no CHECK, GC or STATUS
                  ? ['CHECK', 'GC', 'STATUS']
                  : NOT_VERSION
                : NONE;
      return { desc: `${show(path)} = ${JSON.stringify(s.length > 40 ? `${s.slice(0, 20)}...(${s.length})` : s)}`, invalid, slot: show(path) };
    },
  },
  {
    name: 'number at a limit',
    apply(st) {
      const choices: [readonly Key[], number, readonly Verb[]][] =
        st.plugin === 'bridge'
          ? [[['mtu'], -1, NONE], [['mtu'], 0, NONE], [['mtu'], 65536, NONE], [['mtu'], 2 ** 31, ['ADD']], [['vlan'], -1, DECODING], [['vlan'], 4095, DECODING], [['vlan'], 4094, NONE]]
          : st.plugin === 'portmap'
            ? [
                [['markMasqBit'], 32, DECODING],
                [['markMasqBit'], -1, DECODING],
                [['markMasqBit'], 31, NONE],
                [[...PM0, 'hostPort'], 0, DECODING],
                [[...PM0, 'hostPort'], 65535, NONE],
                [[...PM0, 'hostPort'], 65536, ['ADD']],
                [[...PM0, 'containerPort'], 0, DECODING],
                [[...PM0, 'containerPort'], -80, DECODING],
                [[...PM0, 'containerPort'], 65536, ['ADD']],
              ]
            : [[['ipam', 'ranges', 0, 0, 'subnet'], 0, DECODING]];
      const [path, n, invalid] = st.rng.pick(choices);
      if (!set(st.conf, path, n)) return null;
      return { desc: `${show(path)} = ${n}`, invalid, slot: show(path) };
    },
  },
  {
    name: 'semantic conflict',
    plugins: ['bridge', 'host-local'],
    apply(st) {
      const r: [string, Json, readonly Verb[]][] = [
        // host-local takes it, as Go's does; bridge cannot route through it.
        ['gateway outside the subnet', [[{ subnet: '10.1.0.0/24', gateway: '10.2.0.1' }]], st.plugin === 'bridge' ? ['ADD'] : NONE],
        ['overlapping ranges', [[{ subnet: '10.1.0.0/24' }], [{ subnet: '10.1.0.128/25' }]], DECODING],
        ['rangeStart outside the subnet', [[{ subnet: '10.1.0.0/24', rangeStart: '10.9.0.10' }]], DECODING],
        ['rangeStart after rangeEnd', [[{ subnet: '10.1.0.0/24', rangeStart: '10.1.0.100', rangeEnd: '10.1.0.10' }]], DECODING],
        ['subnet /33', [[{ subnet: '10.1.0.0/33' }]], DECODING],
        ['subnet /32', [[{ subnet: '10.1.0.1/32' }]], DECODING],
        ['subnet with host bits', [[{ subnet: '10.1.0.5/24' }]], NONE],
        ['mixed families in one range set', [[{ subnet: '10.1.0.0/24' }, { subnet: 'fd00::/64' }]], DECODING],
        ['no ranges', [], ADD_CHECK],
        ['empty range set', [[]], DECODING],
        ['dual stack', [[{ subnet: '10.1.0.0/24' }], [{ subnet: 'fd00:1::/64' }]], NONE],
      ];
      const [desc, ranges, invalid] = st.rng.pick(r);
      if (!set(st.conf, ['ipam', 'ranges'], ranges)) return null;
      return { desc, invalid, slot: 'ipam.ranges' };
    },
  },
  {
    name: 'dataDir',
    plugins: ['bridge', 'host-local'],
    apply(st) {
      const [d, invalid] = st.rng.pick(DATA_DIRS);
      if (!set(st.conf, ['ipam', 'dataDir'], d)) return null;
      return { desc: `ipam.dataDir = ${d}`, invalid, slot: 'ipam.dataDir' };
    },
  },
  {
    name: 'prevResult shape',
    plugins: ['bridge', 'portmap'],
    apply(st) {
      const shapes: [string, Json, readonly Verb[]][] = [
        // Go takes it from 0.3.0 on; 0.1.0/0.2.0 cannot print a result without IPs (an error either way).
        ['{}', {}, NONE],
        ['ips "x"', { cniVersion: CNI_VERSION, ips: 'x' }, DECODING],
        ['bogus address', { cniVersion: CNI_VERSION, ips: [{ address: 'bogus' }] }, DECODING],
        ['interface index 99', { cniVersion: CNI_VERSION, interfaces: [{ name: 'eth0' }], ips: [{ address: '10.0.0.2/24', interface: 99 }] }, NONE],
        ['interface name 5', { cniVersion: CNI_VERSION, interfaces: [{ name: 5 }], ips: [] }, DECODING],
        ['cniVersion 9.9.9', { cniVersion: '9.9.9', ips: [] }, DECODING],
        ['old 0.2.0 shape', { cniVersion: '0.2.0', ip4: { ip: '10.0.0.2/24' } }, NONE],
        ['null', null, NONE],
        ['array', [], DECODING],
        ['10,000 ips', { cniVersion: CNI_VERSION, ips: Array.from({ length: 10_000 }, (_, i) => ({ address: `10.${(i >> 8) & 255}.${i & 255}.2/24` })) }, NONE],
      ];
      const [desc, prev, invalid] = st.rng.pick(shapes);
      st.conf.prevResult = prev;
      // Go's bridge keeps prevResult as a plain map (an array fails) and parses it in CHECK only.
      const verbs = st.plugin === 'portmap' || Array.isArray(prev) ? invalid : invalid.filter((v) => v === 'CHECK');
      return { desc: `prevResult ${desc}`, invalid: verbs, slot: 'prevResult' };
    },
  },
  {
    name: 'portMappings',
    plugins: ['portmap', 'bridge'],
    apply(st) {
      const m = (hostPort: number, containerPort: number, protocol: string, hostIP?: string): Obj => ({ hostPort, containerPort, protocol, ...(hostIP === undefined ? {} : { hostIP }) });
      const variants: [string, Json, readonly Verb[]][] = [
        ['none', [], NONE],
        ['udp and sctp', [m(53, 53, 'udp'), m(9999, 99, 'sctp')], NONE],
        ['IPv6 hostIP', [m(8080, 80, 'tcp', '::1')], NONE],
        ['upper-case TCP', [m(8080, 80, 'TCP')], NONE],
        ['protocol icmp', [m(8080, 80, 'icmp')], ['ADD']],
        // Go's iptables refuses `-p ""` (after leaving some rules); we read it as tcp, Kubernetes' default (README).
        ['protocol ""', [m(8080, 80, '')], NONE],
        ['duplicate', [m(8080, 80, 'tcp'), m(8080, 80, 'tcp')], NONE],
        ['200 mappings', Array.from({ length: 200 }, (_, i) => m(10000 + i, 80, 'tcp')), NONE],
        ['hostIP 999.1.1.1', [m(8080, 80, 'tcp', '999.1.1.1')], NONE],
        ['hostIP a CIDR', [m(8080, 80, 'tcp', '10.0.0.0/8')], NONE],
        ['no containerPort', [{ hostPort: 8080, protocol: 'tcp' }], DECODING],
        ['a string', 'yes', DECODING],
      ];
      const [desc, pms, invalid] = st.rng.pick(variants);
      st.conf.capabilities = st.rng.chance(0.8) ? { portMappings: true } : st.rng.pick<Json>([{ portMappings: false }, { portMappings: 'yes' }, 'all']);
      st.conf.runtimeConfig = { portMappings: pms };
      const capInvalid = typeof st.conf.capabilities !== 'object' || typeof (st.conf.capabilities as Obj).portMappings !== 'boolean';
      return { desc: `portMappings ${desc}, capabilities ${JSON.stringify(st.conf.capabilities)}`, invalid: capInvalid ? DECODING : st.plugin === 'portmap' ? invalid : NONE, slot: 'runtimeConfig' };
    },
  },
  {
    name: 'cniVersion',
    apply(st) {
      const v = st.rng.pick(['0.1.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0', '9.9.9', '1.1', 'v1.0.0']);
      st.conf.cniVersion = v;
      const known = ['0.1.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'].includes(v);
      const old = v.startsWith('0.');
      const invalid = !known ? NOT_VERSION : [...(['GC', 'STATUS'] as Verb[]).filter(() => v !== '1.1.0'), ...(old && v !== '0.4.0' ? ['CHECK' as Verb] : [])];
      // The prevResult follows, unless a prevResult mutation chose its version.
      const prev = st.conf.prevResult;
      if (prev && typeof prev === 'object' && !Array.isArray(prev) && prev.cniVersion === CNI_VERSION) prev.cniVersion = v;
      return { desc: `cniVersion ${v}`, invalid, slot: 'cniVersion' };
    },
  },
  {
    name: 'duplicate or case-variant key',
    apply(st) {
      const which = st.rng.int(0, 2);
      if (which === 0) {
        st.text.push((s) => s.replace(/^\{/, '{"name":"first",'));
        return { desc: 'duplicate "name" (the later one wins in Go)', invalid: NONE };
      }
      if (which === 1) {
        const v = st.conf.cniVersion ?? CNI_VERSION;
        delete st.conf.cniVersion;
        st.conf.CNIVERSION = v;
        return { desc: 'key "CNIVERSION" (Go matches keys case-insensitively)', invalid: NONE };
      }
      st.conf.Type = 'something-else';
      return { desc: 'keys "type" and "Type" both present', invalid: NONE };
    },
  },
  {
    name: 'deep nesting',
    apply(st) {
      const depth = st.rng.pick([100, 10_001, 100_000]);
      const key = rawToken(st, '['.repeat(depth) + ']'.repeat(depth));
      st.conf.args = { deep: key };
      return { desc: `args nested ${depth} levels`, invalid: depth > 10_000 ? NOT_VERSION : NONE, slot: 'args' };
    },
  },
  {
    name: 'JSON syntax',
    apply(st) {
      const edits: [string, (s: string) => string, readonly Verb[]][] = [
        ['truncated', (s) => s.slice(0, Math.max(1, Math.floor(s.length * st.rng.next()))), NOT_VERSION],
        ['trailing garbage', (s) => `${s}}garbage`, NOT_VERSION],
        ['trailing comma', (s) => s.replace(/\}$/, ',}'), NOT_VERSION],
        ['single quotes', (s) => s.replace(/"/g, "'"), NOT_VERSION],
        ['empty', () => '', NOT_VERSION],
        ['null', () => 'null', NOT_VERSION],
        ['an array', () => '[1,2]', NOT_VERSION],
        ['a string', () => '"bridge"', NOT_VERSION],
        ['NaN', (s) => s.replace(/^\{/, '{"mtu":NaN,'), NOT_VERSION],
        ['BOM', (s) => `\ufeff${s}`, NOT_VERSION],
        ['lone surrogate', (s) => `${s.slice(0, -1)},"x":"\\udc80"}`, NONE],
        ['comment', (s) => `/* c */${s}`, NOT_VERSION],
      ];
      const [desc, edit, invalid] = st.rng.pick(edits);
      st.text.push(edit);
      return { desc: `JSON ${desc}`, invalid, slot: `text${st.text.length}` };
    },
  },
  {
    name: 'CNI_NETNS',
    apply(st) {
      // Go's skel only wants it set (ADD, CHECK); of the three, only the bridge enters it.
      const entering = st.plugin === 'bridge' ? ADD_CHECK : NONE;
      const [v, desc, invalid] = st.rng.pick<[string | undefined, string, readonly Verb[]]>([
        ['@DIR@/afile', 'a regular file', entering],
        ['@DIR@/adir', 'a directory', entering],
        ['relative/ns', 'a relative path', entering],
        ['@DIR@/nope', 'nonexistent', entering],
        [undefined, 'unset', ADD_CHECK],
        ['', 'empty', ADD_CHECK],
        ['/proc/self/ns/net', "the plugin's own netns", NONE],
        ['@NETNS@', 'the container netns (valid)', NONE],
      ]);
      if (v === undefined) delete st.env.CNI_NETNS;
      else st.env.CNI_NETNS = v;
      return { desc: `CNI_NETNS ${desc}`, invalid, slot: 'env.CNI_NETNS' };
    },
  },
  {
    name: 'CNI_IFNAME',
    apply(st) {
      const v = st.rng.pick<string | undefined>(['a'.repeat(16), 'eth/0', '', undefined, '.', 'eth 0', 'eth:0', '--help', 'e'.repeat(15), 'lo']);
      if (v === undefined) delete st.env.CNI_IFNAME;
      else st.env.CNI_IFNAME = v;
      return { desc: `CNI_IFNAME ${v === undefined ? 'unset' : JSON.stringify(v)}`, invalid: v === undefined || !validIfName(v) ? DECODING : NONE, slot: 'env.CNI_IFNAME' };
    },
  },
  {
    name: 'CNI_CONTAINERID',
    apply(st) {
      const v = st.rng.pick<string | undefined>(['', undefined, 'a;rm -rf /', '../../etc', '-x', 'c'.repeat(10_000), 'ok.id_1-2', 'a\nb']);
      if (v === undefined) delete st.env.CNI_CONTAINERID;
      else st.env.CNI_CONTAINERID = v;
      const shown = v === undefined ? 'unset' : JSON.stringify(v.length > 40 ? `${v.slice(0, 10)}...(${v.length})` : v);
      return { desc: `CNI_CONTAINERID ${shown}`, invalid: v === undefined || !validContainerId(v) ? DECODING : NONE, slot: 'env.CNI_CONTAINERID' };
    },
  },
  {
    name: 'CNI_COMMAND',
    apply(st) {
      const v = st.rng.pick<string | undefined>([undefined, 'add', 'FOO', '', 'ADD ']);
      if (v === undefined) delete st.env.CNI_COMMAND;
      else st.env.CNI_COMMAND = v;
      // Unset or empty, Go's skel prints its "about" line and exits 0 (generateCase clears the verdict).
      return { desc: `CNI_COMMAND ${v === undefined ? 'unset' : JSON.stringify(v)}`, invalid: v === undefined || v === '' ? NONE : ALL, slot: 'env.CNI_COMMAND' };
    },
  },
  {
    name: 'CNI_ARGS',
    apply(st) {
      // Go's host-local parses CNI_ARGS in every verb; it checks that IP is in range in ADD only.
      const [v, bad] = st.rng.pick<[string, readonly Verb[]]>([
        ['IP=999.1.1.1', DECODING],
        ['garbage', DECODING],
        ['FOO=bar', DECODING],
        ['IgnoreUnknown=1;FOO=bar', NONE],
        ['IP=10.1.0.50', NONE],
        ['IgnoreUnknown=1;IP=10.9.9.9', ['ADD']],
        [';;;==;', DECODING],
        ['K8S_POD_NAME=$(id);IgnoreUnknown=true', NONE],
      ]);
      st.env.CNI_ARGS = v;
      return { desc: `CNI_ARGS ${JSON.stringify(v)}`, invalid: st.plugin !== 'portmap' ? bad : NONE, slot: 'env.CNI_ARGS' };
    },
  },
  {
    name: 'CNI_PATH',
    apply(st) {
      const v = st.rng.pick(['', '@DIR@/adir', 'relative', '@DIR@/adir:@CNI_PATH@']);
      st.env.CNI_PATH = v;
      const finds = v.includes('@CNI_PATH@');
      return { desc: `CNI_PATH ${JSON.stringify(v)}`, invalid: st.plugin === 'bridge' && !finds ? DECODING : NONE, slot: 'env.CNI_PATH' };
    },
  },
];

const VERB_WEIGHTS: readonly Verb[] = ['ADD', 'ADD', 'ADD', 'ADD', 'DEL', 'DEL', 'DEL', 'CHECK', 'CHECK', 'GC', 'STATUS', 'VERSION'];

export function serialize(conf: Obj, raw: ReadonlyMap<string, string>, text: readonly ((s: string) => string)[]): string {
  let s = JSON.stringify(conf);
  for (const [key, token] of raw) s = s.replace(JSON.stringify(key), token);
  for (const edit of text) s = edit(s);
  return s;
}

export function generateCase(seed: number, index: number): FuzzCase {
  const rng = caseRng(seed, index);
  const plugin = rng.pick(PLUGINS);
  const verb = rng.pick(VERB_WEIGHTS);
  const st: State = { rng, plugin, verb, conf: baseConfig(plugin, verb, index), env: baseEnv(verb, index), text: [], raw: new Map() };
  const count = rng.pick([0, 1, 1, 1, 1, 2, 2, 3]);
  const mutations: string[] = [];
  const verdicts = new Map<string, readonly Verb[]>();
  const usable = MUTATIONS.filter((m) => m.plugins === undefined || m.plugins.includes(plugin));
  for (let i = 0; i < count; i++) {
    const m = rng.pick(usable);
    const r = m.apply(st);
    if (r === null) continue;
    mutations.push(`${m.name}: ${r.desc}`);
    const slot = r.slot ?? m.name;
    for (const k of verdicts.keys()) if (k === slot || k.startsWith(`${slot}.`) || k.startsWith(`${slot}[`)) verdicts.delete(k);
    verdicts.set(slot, r.invalid);
  }
  const noCommand = st.env.CNI_COMMAND === undefined || st.env.CNI_COMMAND === '';
  const invalid = !noCommand && [...verdicts.values()].some((verbs) => verbs.includes(verb));
  const setup = (verb === 'DEL' || verb === 'CHECK' || verb === 'GC') && rng.chance(0.4);
  return {
    seed,
    index,
    plugin,
    verb,
    mutations,
    env: st.env,
    stdin: serialize(st.conf, st.raw, st.text),
    invalid,
    setupStdin: setup ? JSON.stringify(baseConfig(plugin, 'ADD', index)) : null,
  };
}

/**
 * The case with its configs' base cniVersion replaced (`--cni-version`): Debian's Go plugins
 * (1.1.1) speak up to 1.0.0, so a run against them (`--bin /usr/lib/cni --cni-version 1.0.0`)
 * checks the generator's "invalid for Go" marks: there, "bad input accepted" is a wrong mark.
 */
export function withCniVersion(c: FuzzCase, version: string): FuzzCase {
  const swap = (s: string): string => s.replaceAll(`"cniVersion":"${CNI_VERSION}"`, `"cniVersion":${JSON.stringify(version)}`);
  return { ...c, stdin: swap(c.stdin), setupStdin: c.setupStdin === null ? null : swap(c.setupStdin) };
}
