// withNetns, sockets bound to a namespace, and sysctl, against the real kernel. Every test
// namespace is made here and deleted in `after`, even when a test fails. Needs root and
// `make native`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readlink } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openNetlink, readSysctl, withNetns, writeSysctl } from '../../../lib/net/index.ts';

const test = suite('net netns');
const made: string[] = [];
let count = 0;

function netns(): { name: string; path: string } {
  const name = `cnits-net-${process.pid}-n${count++}`;
  execFileSync('ip', ['netns', 'add', name]);
  made.push(name);
  return { name, path: `/run/netns/${name}` };
}

function cleanup(): void {
  for (const name of made.splice(0)) {
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
process.on('exit', cleanup);
test.after(cleanup);

const here = (): string => readlinkSync('/proc/thread-self/ns/net');
const inode = (path: string): string => `net:[${statSync(path).ino}]`;

test('withNetns runs fn inside the namespace and returns its value', () => {
  const before = here();
  const ns = netns();
  const inside = withNetns(ns.path, here);
  assert.is(inside, inode(ns.path));
  assert.is.not(inside, before);
  assert.is(here(), before);
});

test('withNetns switches back when fn throws', () => {
  const before = here();
  const ns = netns();
  let seen = '';
  assert.throws(() =>
    withNetns(ns.path, () => {
      seen = here();
      throw new Error('boom');
    }), /^boom$/);
  assert.is(seen, inode(ns.path));
  assert.is(here(), before);
});

test('withNetns with a missing path or a file that is no namespace: error naming it, no switch', () => {
  const before = here();
  let ran = false;
  try {
    withNetns('/run/netns/cnits-does-not-exist', () => (ran = true));
    assert.unreachable();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    assert.is(e.message, 'failed to open netns "/run/netns/cnits-does-not-exist": no such file or directory');
    assert.is(e.code, 'ENOENT');
  }
  try {
    withNetns('/etc/hostname', () => (ran = true));
    assert.unreachable();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    assert.is(e.message, 'failed to enter netns "/etc/hostname": invalid argument');
    assert.is(e.code, 'EINVAL');
    assert.is(e.syscall, 'setns');
  }
  assert.not.ok(ran);
  assert.is(here(), before);
});

test('nested withNetns returns to the enclosing namespace, then to the original', () => {
  const before = here();
  const a = netns();
  const b = netns();
  const seen = withNetns(a.path, () => {
    const inner = withNetns(b.path, here);
    return [here(), inner];
  });
  assert.equal(seen, [inode(a.path), inode(b.path)]);
  assert.is(here(), before);
});

test('withNetns refuses an async fn, after switching back', async () => {
  const before = here();
  const ns = netns();
  assert.throws(() => withNetns(ns.path, async () => 1), /only synchronous work/);
  assert.is(here(), before);
});

test('the engine\'s I/O pool threads stay in the original namespace', async () => {
  const ns = netns();
  // In a fresh process, whose pool is first needed by an async call made inside the switch.
  const script = join(mkdtempSync(join(tmpdir(), 'cnits-pool-')), 'pool.mjs');
  writeFileSync(script, `
    import { readlink } from 'node:fs';
    import { withNetns } from ${JSON.stringify(new URL('../../../lib/net/netns.ts', import.meta.url).href)};
    withNetns(${JSON.stringify(ns.path)}, () => readlink('/proc/thread-self/ns/net', (e, l) => console.log(l)));
  `);
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim();
  rmSync(dirname(script), { recursive: true });
  assert.is(out, here());
  assert.is(await readlink('/proc/thread-self/ns/net'), here());
});

test('a netlink socket opened in a namespace keeps working there after the switch back', async () => {
  const ns = netns();
  const nl = await openNetlink(ns.path);
  const host = await openNetlink();
  try {
    assert.is((await nl.getLink(1)).name, 'lo');
    assert.is(await nl.findLink(2), undefined, 'the new namespace has lo only');
    assert.ok((await host.findLink(2)) !== undefined, 'the host has more than lo');
  } finally {
    nl.close();
    host.close();
  }
});

test('writeSysctl and readSysctl inside a namespace leave the host alone', () => {
  const ns = netns();
  const hostValue = readSysctl('net/ipv4/ip_forward');
  const other = hostValue === '1' ? '0' : '1';
  writeSysctl('net.ipv4.ip_forward', other, ns.path);
  assert.is(readSysctl('net/ipv4/ip_forward', ns.path), other);
  assert.is(execFileSync('ip', ['netns', 'exec', ns.name, 'cat', '/proc/sys/net/ipv4/ip_forward'], { encoding: 'utf8' }).trim(), other);
  assert.is(readSysctl('net/ipv4/ip_forward'), hostValue);
  writeSysctl('net/ipv6/conf/lo/accept_dad', '0', ns.path);
  assert.is(readSysctl('net.ipv6.conf.lo.accept_dad', ns.path), '0');
});

test('sysctl errors name the key and keep the errno code', () => {
  const ns = netns();
  try {
    writeSysctl('net/ipv6/conf/nosuchif0/accept_dad', '0', ns.path);
    assert.unreachable();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    assert.is(e.message, 'failed to write sysctl net/ipv6/conf/nosuchif0/accept_dad=0: no such file or directory');
    assert.is(e.code, 'ENOENT');
  }
  assert.throws(() => readSysctl('net/ipv4/ip_forward', '/run/netns/cnits-does-not-exist'), /failed to read sysctl net\/ipv4\/ip_forward: failed to open netns/);
});

test.run();
