// A small world for portmap tests, all inside namespaces the test makes (test/helpers/netns.ts):
// a "host" namespace where the plugins run and the firewall lives, and container namespaces
// behind veth pairs with v4 and v6 addresses, plus two extra host addresses for hostIP tests.
// Servers and clients are tiny node:net / node:dgram programs run inside the namespaces, each
// bounded in time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { makeNetns, type Netns } from './netns.ts';
import type { Family } from '../../lib/ip/index.ts';

export const NODE = process.execPath;

export interface Container {
  readonly ns: Netns;
  /** Host side address of its link: the container's gateway. */
  readonly gw4: string;
  readonly gw6: string;
  readonly ip4: string;
  readonly ip6: string;
  readonly hostLink: string;
  /** A previous result naming eth0 in the container. */
  prevResult(version?: string, families?: readonly Family[]): object;
}

export interface World {
  readonly host: Netns;
  /** Addresses of the host namespace that no container uses. */
  readonly hostAddrs: readonly [string, string];
  readonly hostAddr6: string;
  readonly containers: Container[];
  addContainer(): Container;
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

let subnet = 0;

export function makeWorld(tag: string): World {
  const host = makeNetns(`${tag}h`);
  // Extra host addresses live on a lone bridge device (no dummy module on every kernel).
  ip('-n', host.name, 'link', 'add', 'pmx0', 'type', 'bridge');
  ip('-n', host.name, 'addr', 'add', '192.168.77.1/24', 'dev', 'pmx0');
  ip('-n', host.name, 'addr', 'add', '192.168.77.2/24', 'dev', 'pmx0');
  ip('-n', host.name, 'addr', 'add', 'fd77::1/64', 'dev', 'pmx0', 'nodad');
  ip('-n', host.name, 'link', 'set', 'pmx0', 'up');
  execFileSync('ip', ['netns', 'exec', host.name, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
  const containers: Container[] = [];
  const world: World = {
    host,
    hostAddrs: ['192.168.77.1', '192.168.77.2'],
    hostAddr6: 'fd77::1',
    containers,
    addContainer() {
      const n = 100 + (subnet++ % 150);
      const ns = makeNetns(`${tag}c`);
      const hostLink = `pmv${containers.length}`;
      ip('-n', host.name, 'link', 'add', hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name);
      const c = {
        ns,
        gw4: `10.99.${n}.1`,
        gw6: `fd99:${n}::1`,
        ip4: `10.99.${n}.2`,
        ip6: `fd99:${n}::2`,
        hostLink,
        prevResult(version = '1.0.0', families: readonly Family[] = [4, 6]) {
          return {
            cniVersion: version,
            interfaces: [{ name: hostLink }, { name: 'eth0', sandbox: ns.path }],
            ips: [
              ...(families.includes(4) ? [{ interface: 1, address: `10.99.${n}.2/24`, gateway: `10.99.${n}.1` }] : []),
              ...(families.includes(6) ? [{ interface: 1, address: `fd99:${n}::2/64`, gateway: `fd99:${n}::1` }] : []),
            ],
          };
        },
      };
      ip('-n', host.name, 'addr', 'add', `${c.gw4}/24`, 'dev', hostLink);
      ip('-n', host.name, 'addr', 'add', `${c.gw6}/64`, 'dev', hostLink, 'nodad');
      ip('-n', host.name, 'link', 'set', hostLink, 'up');
      ip('-n', ns.name, 'addr', 'add', `${c.ip4}/24`, 'dev', 'eth0');
      ip('-n', ns.name, 'addr', 'add', `${c.ip6}/64`, 'dev', 'eth0', 'nodad');
      ip('-n', ns.name, 'link', 'set', 'eth0', 'up');
      ip('-n', ns.name, 'route', 'add', 'default', 'via', c.gw4);
      ip('-n', ns.name, '-6', 'route', 'add', 'default', 'via', c.gw6);
      containers.push(c);
      return c;
    },
  };
  return world;
}

const SERVER = `
const [proto, port, tag] = process.argv.slice(1);
setTimeout(() => process.exit(0), 60000).unref();
if (proto === 'tcp') {
  const s = require('node:net').createServer((c) => { c.end(tag + ' ' + c.remoteAddress.replace(/^::ffff:/, '')); });
  s.listen({ port: +port, ipv6Only: false }, () => console.log('ready'));
  setTimeout(() => process.exit(0), 60000);
} else {
  const s = require('node:dgram').createSocket({ type: 'udp6', ipv6Only: false });
  s.on('message', (m, r) => s.send(tag + ' ' + r.address.replace(/^::ffff:/, ''), r.port, r.address));
  s.bind(+port, '::', () => console.log('ready'));
  setTimeout(() => process.exit(0), 60000);
}`;

const servers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const s of servers) s.kill('SIGKILL');
});

/** A server answering every connection or datagram with "<tag> <peer address>". */
export async function startServer(ns: Netns, proto: 'tcp' | 'udp', port: number, tag: string): Promise<{ stop(): void }> {
  const child = spawn('ip', ['netns', 'exec', ns.name, NODE, '-e', SERVER, proto, String(port), tag], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.add(child);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('server did not start')), 10000);
    child.stdout!.once('data', () => {
      clearTimeout(t);
      resolve();
    });
    child.once('exit', () => reject(new Error('server exited')));
  });
  return {
    stop() {
      child.kill('SIGKILL');
      servers.delete(child);
    },
  };
}

const CLIENT = `
const [proto, host, port, srcPort] = process.argv.slice(1);
const done = (s) => { console.log(s); process.exit(0); };
setTimeout(() => done('TIMEOUT'), 3000);
if (proto === 'tcp') {
  const c = require('node:net').connect({ host, port: +port });
  let d = ''; c.on('data', (x) => d += x); c.on('end', () => done(d)); c.on('error', (e) => done('ERROR ' + e.code));
} else {
  const s = require('node:dgram').createSocket(host.includes(':') ? 'udp6' : 'udp4');
  s.on('message', (m) => done(String(m)));
  const send = () => s.send('x', +port, host);
  s.bind(+srcPort || 0, () => { send(); setInterval(send, 200); });
}`;

/** "<tag> <source as the server saw it>", or "TIMEOUT" / "ERROR <code>". */
export function request(ns: Netns, proto: 'tcp' | 'udp', host: string, port: number, srcPort = 0): string {
  const r = spawnSync('ip', ['netns', 'exec', ns.name, NODE, '-e', CLIENT, proto, host, String(port), String(srcPort)], { encoding: 'utf8', timeout: 10000 });
  return r.stdout.trim();
}
