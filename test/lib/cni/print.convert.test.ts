// formatResult's golden output after conversion to each result format.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatResult } from '../../../lib/cni/print.ts';
import { BASE } from '../../helpers/results.ts';

const GOLDEN_020 = `{
    "cniVersion": "0.2.0",
    "ip4": {
        "ip": "10.1.2.3/24",
        "gateway": "10.1.2.1",
        "routes": [
            {
                "dst": "0.0.0.0/0",
                "gw": "10.1.2.1"
            },
            {
                "dst": "192.168.0.0/16"
            }
        ]
    },
    "ip6": {
        "ip": "2001:db8::3/64",
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
        "domain": "cluster.local",
        "search": [
            "svc.cluster.local",
            "cluster.local"
        ],
        "options": [
            "ndots:5"
        ]
    }
}`;

const GOLDEN_040 = `{
    "cniVersion": "0.4.0",
    "interfaces": [
        {
            "name": "cni0",
            "mac": "0a:58:0a:01:02:01"
        },
        {
            "name": "veth1a2b3c4d",
            "mac": "0a:58:0a:01:02:02"
        },
        {
            "name": "eth0",
            "mac": "0a:58:0a:01:02:03",
            "sandbox": "/var/run/netns/pod1"
        }
    ],
    "ips": [
        {
            "version": "4",
            "interface": 2,
            "address": "10.1.2.3/24",
            "gateway": "10.1.2.1"
        },
        {
            "version": "6",
            "interface": 2,
            "address": "2001:db8::3/64",
            "gateway": "2001:db8::1"
        },
        {
            "version": "4",
            "interface": 0,
            "address": "10.9.0.5/16"
        }
    ],
    "routes": [
        {
            "dst": "0.0.0.0/0",
            "gw": "10.1.2.1",
            "mtu": 1400,
            "advmss": 1360,
            "priority": 100,
            "table": 0,
            "scope": 0
        },
        {
            "dst": "::/0",
            "gw": "2001:db8::1",
            "priority": 5,
            "table": 254
        },
        {
            "dst": "192.168.0.0/16"
        }
    ],
    "dns": {
        "nameservers": [
            "10.1.2.1",
            "2001:db8::1"
        ],
        "domain": "cluster.local",
        "search": [
            "svc.cluster.local",
            "cluster.local"
        ],
        "options": [
            "ndots:5"
        ]
    }
}`;

const GOLDEN_110 = `{
    "cniVersion": "1.1.0",
    "dns": {
        "domain": "cluster.local",
        "nameservers": [
            "10.1.2.1",
            "2001:db8::1"
        ],
        "options": [
            "ndots:5"
        ],
        "search": [
            "svc.cluster.local",
            "cluster.local"
        ]
    },
    "interfaces": [
        {
            "mac": "0a:58:0a:01:02:01",
            "name": "cni0"
        },
        {
            "mac": "0a:58:0a:01:02:02",
            "mtu": 1500,
            "name": "veth1a2b3c4d"
        },
        {
            "mac": "0a:58:0a:01:02:03",
            "mtu": 9000,
            "name": "eth0",
            "pciID": "0000:00:1f.6",
            "sandbox": "/var/run/netns/pod1",
            "socketPath": "/run/vhost-user.sock"
        }
    ],
    "ips": [
        {
            "address": "10.1.2.3/24",
            "gateway": "10.1.2.1",
            "interface": 2
        },
        {
            "address": "2001:db8::3/64",
            "gateway": "2001:db8::1",
            "interface": 2
        },
        {
            "address": "10.9.0.5/16",
            "interface": 0
        }
    ],
    "routes": [
        {
            "advmss": 1360,
            "dst": "0.0.0.0/0",
            "gw": "10.1.2.1",
            "mtu": 1400,
            "priority": 100,
            "scope": 0,
            "table": 0
        },
        {
            "dst": "::/0",
            "gw": "2001:db8::1",
            "priority": 5,
            "table": 254
        },
        {
            "dst": "192.168.0.0/16"
        }
    ]
}`;

test('formatResult golden output, 0.2.0', () => {
  assert.is(formatResult(BASE, '0.2.0'), GOLDEN_020);
  assert.is(formatResult(BASE, '0.1.0'), GOLDEN_020.replace('"0.2.0"', '"0.1.0"'));
});

test('formatResult golden output, 0.4.0', () => {
  assert.is(formatResult(BASE, '0.4.0'), GOLDEN_040);
  assert.is(formatResult(BASE, '0.3.1'), GOLDEN_040.replace('"0.4.0"', '"0.3.1"'));
});

test('formatResult golden output, 1.1.0 (keys sorted at every level)', () => {
  assert.is(formatResult(BASE, '1.1.0'), GOLDEN_110);
  assert.is(formatResult(BASE, '1.0.0'), GOLDEN_110.replace('"1.1.0"', '"1.0.0"'));
});

test('formatResult of an empty result: dns {} below 1.0.0 only', () => {
  assert.is(formatResult({ cniVersion: '1.1.0' }, '0.4.0'), '{\n    "cniVersion": "0.4.0",\n    "dns": {}\n}');
  assert.is(formatResult({ cniVersion: '1.1.0' }, '1.1.0'), '{\n    "cniVersion": "1.1.0"\n}');
});

test.run();
