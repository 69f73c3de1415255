// Results on the wire, for every spec version, and the conversions between them and the
// internal (1.1.0) Result. Behaviour follows the reference library (containernetworking/cni
// pkg/types/{020,040,100}, pkg/invoke fixupResultVersion, pkg/version ParsePrevResult):
// three result formats, each with one decoder (wire -> current) and one encoder
// (current -> wire). Going through the current type is what the Go plugins do too
// (NewResultFromResult, then PrintResult with the config's version), so every pair of
// versions is one decode plus one encode.

import { formatIP, formatIPWithPrefix, parseIP, parseIPWithPrefix, type Family } from '../ip/index.ts';
import { Code, CniError } from './errors.ts';
import { goFold, goList, goQuote } from './go.ts';
import { isDNSEmpty, type DNS, type IPConfig, type Interface, type Result, type Route } from './result.ts';
import { CURRENT_VERSION, isSupported, resultFormatOf, type ResultFormat, type SpecVersion } from './version.ts';

// ---------------------------------------------------------------------------------------------
// Wire shapes. Key order is the Go struct field order: 0.x results are printed straight from
// the structs. (1.x results go through a Go map and come out sorted; print.ts does that.)

// Routes and DNS are written in their current shapes; 0.1.0/0.2.0 routes keep only dst and gw.

export interface Wire020IPConfig { ip: string; gateway?: string; routes?: Pick<Route, 'dst' | 'gw'>[] }
export interface Wire020 { cniVersion: string; ip4?: Wire020IPConfig; ip6?: Wire020IPConfig; dns: DNS }

export interface Wire040Interface { name: string; mac?: string; sandbox?: string }
export interface Wire040IPConfig { version: `${Family}`; interface?: number; address: string; gateway?: string }
export interface Wire040 { cniVersion: string; interfaces?: Wire040Interface[]; ips?: Wire040IPConfig[]; routes?: Route[]; dns: DNS }

export interface Wire100 { cniVersion: string; interfaces?: Interface[]; ips?: IPConfig[]; routes?: Route[]; dns?: DNS }

export type WireResult = Wire020 | Wire040 | Wire100;

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * A result read from a plugin's stdout (e.g. the delegated IPAM plugin), as libcni's
 * ExecPluginWithResult reads it: the result's own non-empty `cniVersion` picks its type,
 * otherwise the config's version is injected. Returned as the current (1.1.0) type.
 */
export function resultFromWire(raw: unknown, version: string): Result {
  // libcni turns a literal `null` output into an empty map rather than failing.
  const obj = raw === null ? {} : raw;
  if (!isObject(obj)) throw decodingError(`failed to unmarshal raw result: ${mismatch('', obj, 'map[string]interface {}')}`);
  const own = obj.cniVersion;
  if (typeof own === 'string' && own !== '') return create(own, obj, false);
  // The injected copy is re-marshalled from a Go map, so every level is then read in sorted key order.
  const confVersion = version || '0.1.0';
  return create(confVersion, { ...obj, cniVersion: confVersion }, true);
}

/**
 * The reference ParsePrevResult followed by NewResultFromResult: `prevResult` is read with the
 * result type of the CONFIG's version (a result of another format is an error), a missing
 * version is taken from the config, and the outcome is the current (1.1.0) type.
 * Callers treat an absent or null prevResult as "none" before calling this.
 */
export function parsePrevResult(raw: unknown, confVersion: string): Result {
  const prefix = 'could not parse prevResult: ';
  if (!isObject(raw)) throw decodingError(prefix + mismatch('', raw, 'map[string]interface {}'));
  // The reference looks up the Go field name "CNIVersion", not the JSON key "cniVersion", so it
  // nearly always injects; the map is then marshalled with sorted keys, where "cniVersion" comes
  // after "CNIVersion" and so a present `cniVersion` still wins. Reproduced as is.
  const obj: Record<string, unknown> = { ...raw };
  if (!Object.hasOwn(raw, 'CNIVersion') || raw.CNIVersion === '') obj.CNIVersion = confVersion;
  try {
    return create(confVersion, obj, true);
  } catch (err) {
    if (!(err instanceof CniError)) throw err;
    throw new CniError(err.code, prefix + err.message, err.details, { cause: err });
  }
}

/** The current result as the wire object of `toVersion`, by the reference conversion rules. */
export function resultToWire(result: Result, toVersion: SpecVersion): WireResult {
  if (!isSupported(toVersion)) {
    throw new CniError(Code.Internal, `no converter for CNI result version ${CURRENT_VERSION} to ${String(toVersion)}`);
  }
  return CODECS[resultFormatOf(toVersion)].encode(result, toVersion);
}

// ---------------------------------------------------------------------------------------------
// The converter table: one codec per result format.

interface Codec {
  /** The `cniVersion` values the format's NewResult accepts ("" is the 0.1.0 default). */
  accepts: readonly string[];
  decode(d: Decoder, get: Fields): Result;
  encode(r: Result, version: SpecVersion): WireResult;
}

const CODECS: Record<ResultFormat, Codec> = {
  '020': { accepts: ['', '0.1.0', '0.2.0'], decode: decode020, encode: encode020 },
  '040': { accepts: ['0.3.0', '0.3.1', '0.4.0'], decode: (d, get) => decodeLists(d, get, false), encode: encode040 },
  '100': { accepts: ['1.0.0', '1.1.0'], decode: (d, get) => decodeLists(d, get, true), encode: encode100 },
};

/** Go's create.Create: the version picks the format, then the format checks the decoded version. */
function create(version: string, raw: Record<string, unknown>, sorted: boolean): Result {
  const format: ResultFormat | undefined = version === '' ? '020' : isSupported(version) ? resultFormatOf(version) : undefined;
  if (!format) throw decodingError(`unsupported CNI result version ${goQuote(version)}`);
  const codec = CODECS[format];
  const d: Decoder = { sorted };
  const get = fields(d, raw, '');
  // Decoded before the version check, as json.Unmarshal runs before NewResult looks at the version.
  const got = str(get('cniVersion'), 'cniVersion') ?? '';
  const result = codec.decode(d, get);
  if (!codec.accepts.includes(got)) {
    throw decodingError(`result type supports ${goList(codec.accepts)} but unmarshalled CNIVersion is ${goQuote(got)}`);
  }
  return result;
}

// --- decoders (wire -> current) -------------------------------------------------------------

/** 0.1.0/0.2.0: ip4 becomes the first IP, ip6 the next, their routes are concatenated. */
function decode020(d: Decoder, get: Fields): Result {
  const ips: IPConfig[] = [];
  const routes: Route[] = [];
  for (const key of ['ip4', 'ip6']) {
    const raw = get(key);
    if (raw == null) continue;
    const f = fields(d, raw, key);
    ips.push(prune({ address: cidr(f('ip'), `${key}.ip`), gateway: ip(f('gateway'), `${key}.gateway`) }));
    // 0.2.0 routes are the full route type in the reference, so mtu etc. survive an up-conversion.
    routes.push(...list(d, f('routes'), `${key}.routes`, decodeRoute));
  }
  return current([], ips, routes, decodeDNS(d, get('dns')));
}

/** 0.3.0..0.4.0 and 1.x share a layout; 0.x interfaces have no mtu/socketPath/pciID, and ips[].version is dropped. */
function decodeLists(d: Decoder, get: Fields, is1x: boolean): Result {
  return current(
    list(d, get('interfaces'), 'interfaces', (d, raw, path) => decodeInterface(d, raw, path, is1x)),
    list(d, get('ips'), 'ips', (d, raw, path) => decodeIPConfig(d, raw, path, is1x)),
    list(d, get('routes'), 'routes', decodeRoute),
    decodeDNS(d, get('dns')),
  );
}

function decodeInterface(d: Decoder, raw: unknown, path: string, is1x: boolean): Interface {
  const f = fields(d, raw, path);
  const base = { name: str(f('name'), `${path}.name`) ?? '', mac: nonEmpty(str(f('mac'), `${path}.mac`)) };
  if (!is1x) return prune({ ...base, sandbox: nonEmpty(str(f('sandbox'), `${path}.sandbox`)) });
  return prune({
    ...base,
    mtu: nonZero(int(f('mtu'), `${path}.mtu`)),
    sandbox: nonEmpty(str(f('sandbox'), `${path}.sandbox`)),
    socketPath: nonEmpty(str(f('socketPath'), `${path}.socketPath`)),
    pciID: nonEmpty(str(f('pciID'), `${path}.pciID`)),
  });
}

function decodeIPConfig(d: Decoder, raw: unknown, path: string, is1x: boolean): IPConfig {
  const f = fields(d, raw, path);
  // 0.x `version` is checked for type only: the reference recomputes it from the address on output.
  if (!is1x) str(f('version'), `${path}.version`);
  return prune({
    interface: int(f('interface'), `${path}.interface`),
    address: cidr(f('address'), `${path}.address`),
    gateway: ip(f('gateway'), `${path}.gateway`),
  });
}

function decodeRoute(d: Decoder, raw: unknown, path: string): Route {
  const f = fields(d, raw, path);
  return prune({
    dst: cidr(f('dst'), `${path}.dst`),
    gw: ip(f('gw'), `${path}.gw`),
    mtu: nonZero(int(f('mtu'), `${path}.mtu`)),
    advmss: nonZero(int(f('advmss'), `${path}.advmss`)),
    priority: nonZero(int(f('priority'), `${path}.priority`)),
    table: int(f('table'), `${path}.table`),
    scope: int(f('scope'), `${path}.scope`),
  });
}

function decodeDNS(d: Decoder, raw: unknown): DNS | undefined {
  if (raw == null) return undefined;
  const f = fields(d, raw, 'dns');
  const dns = prune({
    nameservers: nonEmptyList(strings(f('nameservers'), 'dns.nameservers')),
    domain: nonEmpty(str(f('domain'), 'dns.domain')),
    search: nonEmptyList(strings(f('search'), 'dns.search')),
    options: nonEmptyList(strings(f('options'), 'dns.options')),
  });
  return isDNSEmpty(dns) ? undefined : dns;
}

/** The current result in its normal form: empty lists and an empty dns are left out. */
function current(interfaces: Interface[], ips: IPConfig[], routes: Route[], dns: DNS | undefined): Result {
  return prune({
    cniVersion: CURRENT_VERSION,
    interfaces: nonEmptyList(interfaces),
    ips: nonEmptyList(ips),
    routes: nonEmptyList(routes),
    dns,
  });
}

// --- encoders (current -> wire) -------------------------------------------------------------

function encode100(r: Result, version: SpecVersion): Wire100 {
  return prune({
    cniVersion: version,
    interfaces: nonEmptyList(r.interfaces?.map((i) =>
      prune({ name: i.name, mac: i.mac || undefined, mtu: i.mtu || undefined, sandbox: i.sandbox || undefined, socketPath: i.socketPath || undefined, pciID: i.pciID || undefined }),
    )),
    ips: nonEmptyList(r.ips?.map((c) => prune({ interface: c.interface, address: wireCIDR(c.address).text, gateway: wireIP(c.gateway) }))),
    routes: nonEmptyList(r.routes?.map(encodeRoute)),
    // The 1.x marshaller deletes an empty dns; 0.x always prints `"dns": {}`.
    dns: isDNSEmpty(r.dns) ? undefined : encodeDNS(r.dns),
  });
}

function encode040(r: Result, version: SpecVersion): Wire040 {
  return prune({
    cniVersion: version,
    interfaces: nonEmptyList(r.interfaces?.map((i) => prune({ name: i.name, mac: i.mac || undefined, sandbox: i.sandbox || undefined }))),
    ips: nonEmptyList(r.ips?.map((c): Wire040IPConfig => {
      const a = wireCIDR(c.address);
      return prune({ version: `${a.family}`, interface: c.interface, address: a.text, gateway: wireIP(c.gateway) });
    })),
    routes: nonEmptyList(r.routes?.map(encodeRoute)),
    dns: encodeDNS(r.dns),
  });
}

/** A result without an IP address has no 0.1.0/0.2.0 form. */
export const noIPsFor = (version: string): CniError =>
  new CniError(Code.IncompatibleVersion, 'cannot convert: no valid IP addresses', `a result without IP addresses cannot be written as cniVersion ${version}; 0.3.0 and later can`);

/** As the reference: via 0.4.0, keep the first IP of each family and split routes by dst family. */
function encode020(r: Result, version: SpecVersion): Wire020 {
  const w = encode040(r, '0.4.0');
  const first = (v: `${Family}`): Wire020IPConfig | undefined => {
    const c = w.ips?.find((ipc) => ipc.version === v);
    return c && prune({ ip: c.address, gateway: c.gateway });
  };
  const ip4 = first('4');
  const ip6 = first('6');
  // The reference's words, but not its code 999: the config asks for a version that cannot carry
  // the result, which is what code 1 says.
  if (!ip4 && !ip6) throw noIPsFor(version);
  for (const route of w.routes ?? []) {
    const target = wireCIDR(route.dst).family === 4 ? ip4 : ip6;
    if (target) (target.routes ??= []).push(prune({ dst: route.dst, gw: route.gw }));
  }
  return prune({ cniVersion: version, ip4, ip6, dns: w.dns });
}

function encodeRoute(r: Route): Route {
  return prune({
    dst: wireCIDR(r.dst).text,
    gw: wireIP(r.gw),
    mtu: r.mtu || undefined,
    advmss: r.advmss || undefined,
    priority: r.priority || undefined,
    table: r.table,
    scope: r.scope,
  });
}

/** Lists are copied, as Go's DNS.Copy() does, so the wire object shares nothing with the result. */
function encodeDNS(d: DNS | undefined): DNS {
  return prune({
    nameservers: nonEmptyList(d?.nameservers?.slice()),
    domain: d?.domain || undefined,
    search: nonEmptyList(d?.search?.slice()),
    options: nonEmptyList(d?.options?.slice()),
  });
}

/** Addresses are re-printed the way Go prints a parsed IPNet; an unparsable one is a bug in the caller. */
function wireCIDR(text: string): Canonical {
  const c = canonicalCIDR(text);
  if (!c) throw new CniError(Code.Internal, `invalid CIDR address: ${text}`);
  return c;
}

function wireIP(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const c = canonicalIP(text);
  if (!c) throw new CniError(Code.Internal, `invalid IP address: ${text}`);
  return c.text;
}

// ---------------------------------------------------------------------------------------------
// Reading JSON the way Go's encoding/json fills a struct: keys match by Go's fold (goFold), the
// last match wins, unknown keys are ignored, null leaves a field as it was, a wrong type is an error.

/** `sorted`: the JSON went through a Go map on the way, so keys are seen in sorted order. */
interface Decoder { sorted: boolean }
type Fields = (name: string) => unknown;

function fields(d: Decoder, raw: unknown, path: string): Fields {
  if (!isObject(raw)) throw decodingError(mismatch(path, raw, 'object'));
  const entries = Object.entries(raw);
  if (d.sorted) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Folded once per object: a result is read field by field, and goField would fold every key each time.
  const byName = new Map<string, unknown>();
  for (const [key, value] of entries) {
    // null is a no-op for Go on a field that is already set (e.g. `"cniVersion": null` after an
    // injected "CNIVersion"); Go would reset list and pointer fields, seen only with duplicate keys.
    const name = goFold(key);
    if (value !== null || !byName.has(name)) byName.set(name, value);
  }
  return (name) => byName.get(goFold(name));
}

function str(v: unknown, path: string): string | undefined {
  if (v == null) return undefined;
  if (typeof v !== 'string') throw decodingError(mismatch(path, v, 'string'));
  return v;
}

function int(v: unknown, path: string): number | undefined {
  if (v == null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw decodingError(mismatch(path, v, 'int'));
  return v + 0; // -0 becomes 0, as in a Go int
}

/** A []string: a null element is "" in Go. */
function strings(v: unknown, path: string): string[] | undefined {
  if (v == null) return undefined;
  if (!Array.isArray(v)) throw decodingError(mismatch(path, v, '[]string'));
  return v.map((e, i) => str(e, `${path}[${i}]`) ?? '');
}

/** A list of structs. A null element is refused: the reference accepts it and then panics on it. */
function list<T>(d: Decoder, v: unknown, path: string, each: (d: Decoder, raw: unknown, path: string) => T): T[] {
  if (v == null) return [];
  if (!Array.isArray(v)) throw decodingError(mismatch(path, v, 'array'));
  return v.map((e, i) => each(d, e, `${path}[${i}]`));
}

/**
 * An "addr/prefix" (Go types.IPNet). Required here: the reference would carry a missing one as
 * the text "<nil>". A JSON null reaches Go's parser as "" and fails there.
 */
function cidr(v: unknown, path: string): string {
  if (v === undefined) throw decodingError(`${path}: required field is missing`);
  if (v !== null && typeof v !== 'string') throw decodingError(mismatch(path, v, 'string'));
  const text = v ?? '';
  const c = canonicalCIDR(text);
  if (!c) throw decodingError(`${path}: invalid CIDR address: ${text}`);
  return c.text;
}

/** A Go net.IP: null and "" both mean unset. */
function ip(v: unknown, path: string): string | undefined {
  const text = str(v, path);
  if (!text) return undefined;
  const c = canonicalIP(text);
  if (!c) throw decodingError(`${path}: invalid IP address: ${text}`);
  return c.text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const jsonKind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'object';

/** Worded like Go's UnmarshalTypeError, with a JSON path in place of Go's struct name. */
function mismatch(path: string, v: unknown, goType: string): string {
  const what = typeof v === 'number' && !Number.isSafeInteger(v) && goType === 'int' ? `number ${v}` : jsonKind(v);
  return path ? `json: cannot unmarshal ${what} into Go struct field ${path} of type ${goType}` : `json: cannot unmarshal ${what} into Go value of type ${goType}`;
}

const decodingError = (msg: string): CniError => new CniError(Code.DecodingFailure, msg);

const nonEmpty = (s: string | undefined): string | undefined => (s ? s : undefined);
const nonZero = (n: number | undefined): number | undefined => (n ? n : undefined);
const nonEmptyList = <T>(l: T[] | undefined): T[] | undefined => (l && l.length > 0 ? l : undefined);

/** Drops keys whose value is undefined, so that results compare and print like Go's omitempty output. */
function prune<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

// Addresses: parsed and re-printed with lib/ip (Go's ParseCIDR / ParseIP / String rules), which
// gives the family Go would see (v4-mapped IPv6 counts as v4) and Go's canonical text.

interface Canonical { text: string; family: Family }

/** Go's IPNet.String() of types.ParseCIDR(text), which keeps the host part. */
function canonicalCIDR(text: string): Canonical | undefined {
  const a = parseIPWithPrefix(text);
  return a && { text: formatIPWithPrefix(a), family: a.ip.family };
}

function canonicalIP(text: string): Canonical | undefined {
  const addr = parseIP(text);
  return addr && { text: formatIP(addr), family: addr.family };
}
