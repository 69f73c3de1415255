// Go-identical JSON printing (formatJSON) and results printed per spec version (formatResult).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePrevResult, resultFromWire } from '../../../lib/cni/convert.ts';
import { CniError } from '../../../lib/cni/errors.ts';
import { formatJSON, formatResult } from '../../../lib/cni/print.ts';
import type { SpecVersion } from '../../../lib/cni/version.ts';

// --- formatJSON: Go's json.MarshalIndent(v, "", "    ") ----------------------------------------

test('formatJSON indents by 4 spaces, puts a space after colons, and ends without a newline', () => {
  assert.is(formatJSON({ a: 1, b: [true, null, 'x'], c: { d: 2 } }, false), '{\n    "a": 1,\n    "b": [\n        true,\n        null,\n        "x"\n    ],\n    "c": {\n        "d": 2\n    }\n}');
});

test('formatJSON prints empty objects and arrays inline, as Go does', () => {
  assert.is(formatJSON({ dns: {}, ips: [] }, false), '{\n    "dns": {},\n    "ips": []\n}');
  assert.is(formatJSON({}, true), '{}');
  assert.is(formatJSON([], true), '[]');
});

test('formatJSON prints scalars', () => {
  assert.is(formatJSON('x', false), '"x"');
  assert.is(formatJSON(0, false), '0');
  assert.is(formatJSON(-0, false), '0');
  assert.is(formatJSON(4294967295, false), '4294967295');
  assert.is(formatJSON(1.5, false), '1.5');
  assert.is(formatJSON(1e21, false), '1e+21');
  assert.is(formatJSON(1e-7, false), '1e-7');
  assert.is(formatJSON(null, false), 'null');
  assert.is(formatJSON(false, false), 'false');
});

test('formatJSON keeps insertion order unless asked to sort', () => {
  const v = { z: 1, a: { y: 2, b: 3 }, m: [{ k: 1, c: 2 }] };
  assert.is(formatJSON(v, false), JSON.stringify(v, null, 4));
  assert.is(formatJSON(v, true), JSON.stringify({ a: { b: 3, y: 2 }, m: [{ c: 2, k: 1 }], z: 1 }, null, 4));
});

test('formatJSON sorts keys bytewise, as Go sorts map keys: upper case before lower case', () => {
  assert.is(formatJSON({ cniVersion: 1, CNIVersion: 2, _x: 3, '1': 4, socketPath: 5, sandbox: 6, pciID: 7 }, true).replace(/\s+/g, ''), '{"1":4,"CNIVersion":2,"_x":3,"cniVersion":1,"pciID":7,"sandbox":6,"socketPath":5}');
});

test('formatJSON leaves out undefined members and prints undefined array items as null', () => {
  assert.is(formatJSON({ a: undefined, b: 1, c: () => 1 }, false), '{\n    "b": 1\n}');
  assert.is(formatJSON([undefined], false), '[\n    null\n]');
});

test('formatJSON escapes <, >, & and U+2028/U+2029 as Go does', () => {
  assert.is(formatJSON('a<b>&c\u2028d\u2029', false), '"a\\u003cb\\u003e\\u0026c\\u2028d\\u2029"');
  assert.is(formatJSON({ '<k>': '&' }, true), '{\n    "\\u003ck\\u003e": "\\u0026"\n}');
});

test('formatJSON escapes quotes, backslashes and control characters as Go 1.22+ does', () => {
  assert.is(formatJSON('"\\/', false), '"\\"\\\\/"');
  assert.is(formatJSON('\n\r\t\b\f', false), '"\\n\\r\\t\\b\\f"');
  assert.is(formatJSON('\u0000\u0001\u001f\u007f', false), '"\\u0000\\u0001\\u001f\u007f"');
});

test('formatJSON keeps non-ASCII text as is and turns a lone surrogate into U+FFFD', () => {
  assert.is(formatJSON('é ü 😀 \uFFFD', false), '"é ü 😀 \uFFFD"');
  assert.is(formatJSON('a\uD800b\uDC00', false), '"a\uFFFDb\uFFFD"');
});

test('formatJSON honours toJSON, so a CniError prints as the reference prints its errors', () => {
  assert.is(formatJSON(new CniError(999, 'cannot convert: no valid IP addresses'), false), '{\n    "code": 999,\n    "msg": "cannot convert: no valid IP addresses"\n}');
  assert.is(formatJSON(new CniError(7, 'bad <thing>', 'd'), false), '{\n    "code": 7,\n    "msg": "bad \\u003cthing\\u003e",\n    "details": "d"\n}');
});

// --- formatResult against bytes printed by the reference plugins --------------------------------
// Captured from Debian's containernetworking-plugins 1.1.1 (/usr/lib/cni, Go 1.19), host-local ADD
// with dual-stack ranges, routes and a resolv.conf. Read back and printed again in the same
// version, the bytes must be identical. (Its 1.0.0 output is not used: that older library
// printed 1.x results in struct order; the current one sorts them, see result-convert.test.ts.)

const HOST_LOCAL_020 = `{
    "cniVersion": "0.2.0",
    "ip4": {
        "ip": "10.1.2.5/24",
        "gateway": "10.1.2.1",
        "routes": [
            {
                "dst": "0.0.0.0/0"
            },
            {
                "dst": "192.168.0.0/16",
                "gw": "10.1.2.1"
            }
        ]
    },
    "ip6": {
        "ip": "2001:db8::5/64",
        "gateway": "2001:db8::1",
        "routes": [
            {
                "dst": "::/0",
                "gw": "2001:db8::1"
            }
        ]
    },
    "dns": {
        "nameservers": [
            "10.1.2.1",
            "2001:db8::1"
        ],
        "domain": "example.com",
        "search": [
            "svc.cluster.local",
            "cluster.local"
        ],
        "options": [
            "ndots:5"
        ]
    }
}`;

const HOST_LOCAL_040 = `{
    "cniVersion": "0.4.0",
    "ips": [
        {
            "version": "4",
            "address": "10.1.2.2/24",
            "gateway": "10.1.2.1"
        },
        {
            "version": "4",
            "address": "10.9.0.2/16",
            "gateway": "10.9.0.1"
        },
        {
            "version": "6",
            "address": "2001:db8::2/64",
            "gateway": "2001:db8::1"
        }
    ],
    "routes": [
        {
            "dst": "0.0.0.0/0"
        },
        {
            "dst": "::/0",
            "gw": "2001:db8::1"
        },
        {
            "dst": "192.168.0.0/16",
            "gw": "10.1.2.1"
        }
    ],
    "dns": {
        "nameservers": [
            "10.1.2.1",
            "2001:db8::1"
        ],
        "domain": "example.com",
        "search": [
            "svc.cluster.local",
            "cluster.local"
        ],
        "options": [
            "ndots:5"
        ]
    }
}`;

// The same plugin with a v6-only range and a 0.2.0 config: the v4 default route has no ip4 to go to.
const HOST_LOCAL_020_V6_ONLY = `{
    "cniVersion": "0.2.0",
    "ip6": {
        "ip": "2001:db9::2/64",
        "gateway": "2001:db9::1"
    },
    "dns": {}
}`;

const reprint = (text: string, v: SpecVersion): string => formatResult(resultFromWire(JSON.parse(text), v), v);

test('formatResult reproduces host-local 0.2.0 output byte for byte', () => {
  assert.is(reprint(HOST_LOCAL_020, '0.2.0'), HOST_LOCAL_020);
  assert.is(reprint(HOST_LOCAL_020.replace('"0.2.0"', '"0.1.0"'), '0.1.0'), HOST_LOCAL_020.replace('"0.2.0"', '"0.1.0"'));
  assert.is(reprint(HOST_LOCAL_020_V6_ONLY, '0.2.0'), HOST_LOCAL_020_V6_ONLY);
});

test('formatResult reproduces host-local 0.3.1/0.4.0 output byte for byte', () => {
  assert.is(reprint(HOST_LOCAL_040, '0.4.0'), HOST_LOCAL_040);
  assert.is(reprint(HOST_LOCAL_040.replace('"0.4.0"', '"0.3.1"'), '0.3.1'), HOST_LOCAL_040.replace('"0.4.0"', '"0.3.1"'));
});

test('formatResult converts host-local 0.4.0 output to 0.2.0 as the reference does', () => {
  // Same allocation printed by the reference at 0.2.0 (addresses differ only by allocation order).
  const r = resultFromWire(JSON.parse(HOST_LOCAL_040), '0.4.0');
  const want = HOST_LOCAL_020.replace('10.1.2.5/24', '10.1.2.2/24').replace('2001:db8::5/64', '2001:db8::2/64');
  assert.is(formatResult(r, '0.2.0'), want);
});

test('formatResult after parsePrevResult matches what the reference portmap passes through', () => {
  // portmap ADD without port mappings prints its prevResult in the config's version; captured
  // from the reference: canonical addresses, v4-mapped as IPv4, and Go's HTML escaping.
  const prev = {
    cniVersion: '0.4.0',
    ips: [{ version: '4', address: '::ffff:10.1.2.3/120', gateway: '::FFFF:10.1.2.1' }, { version: '6', address: '2001:DB8:0:0:0:0:0:3/64' }],
    dns: { domain: 'a<b>&c\u2028' },
  };
  assert.is(
    formatResult(parsePrevResult(prev, '0.4.0'), '0.4.0'),
    `{
    "cniVersion": "0.4.0",
    "ips": [
        {
            "version": "4",
            "address": "10.1.2.3/24",
            "gateway": "10.1.2.1"
        },
        {
            "version": "6",
            "address": "2001:db8::3/64"
        }
    ],
    "dns": {
        "domain": "a\\u003cb\\u003e\\u0026c\\u2028"
    }
}`,
  );
  assert.is(
    formatResult(parsePrevResult({ ip4: { ip: '10.1.2.3/24', routes: [{ dst: '10.0.0.0/8', mtu: 1400 }] } }, '0.2.0'), '0.2.0'),
    '{\n    "cniVersion": "0.2.0",\n    "ip4": {\n        "ip": "10.1.2.3/24",\n        "routes": [\n            {\n                "dst": "10.0.0.0/8"\n            }\n        ]\n    },\n    "dns": {}\n}',
  );
});

test('formatResult of a 1.x result sorts keys, including inside dns and routes', () => {
  const r = resultFromWire(JSON.parse(HOST_LOCAL_040), '0.4.0');
  const out = formatResult(r, '1.0.0');
  assert.is(out.split('\n').slice(0, 9).join('\n'), '{\n    "cniVersion": "1.0.0",\n    "dns": {\n        "domain": "example.com",\n        "nameservers": [\n            "10.1.2.1",\n            "2001:db8::1"\n        ],\n        "options": [');
  assert.equal(JSON.parse(out), {
    cniVersion: '1.0.0',
    dns: { domain: 'example.com', nameservers: ['10.1.2.1', '2001:db8::1'], options: ['ndots:5'], search: ['svc.cluster.local', 'cluster.local'] },
    ips: [
      { address: '10.1.2.2/24', gateway: '10.1.2.1' },
      { address: '10.9.0.2/16', gateway: '10.9.0.1' },
      { address: '2001:db8::2/64', gateway: '2001:db8::1' },
    ],
    routes: [{ dst: '0.0.0.0/0' }, { dst: '::/0', gw: '2001:db8::1' }, { dst: '192.168.0.0/16', gw: '10.1.2.1' }],
  });
});

test.run();
