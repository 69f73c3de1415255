// The addon's netlink socket against the real kernel, in a namespace made here and deleted in
// `after` (and on exit), even when a test fails: dumps, kernel errors, sequence numbers,
// timeouts, and a socket that stays in the namespace it was opened in. Needs root and
// `make native`.
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { netlinkCalls as calls } from '../../../lib/native/index.ts';
import { F, RTM, ifinfomsg, readS32, readU16, readU32, u16, u32 } from '../../../lib/net/codec.ts';
import type { Request } from '../../../lib/net/codec.ts';
import { withNetns } from '../../../lib/net/index.ts';
import { getLinkRequest, parseLink } from '../../../lib/net/links.ts';
import { cleanup, inNetns, makeNetns, type Netns } from '../../helpers/netns.ts';

const test = suite('netlink socket');
/** A dump of every link: the largest answer a namespace gives. */
const listLinksRequest = (): Request => ({ type: RTM.GETLINK, flags: F.DUMP, body: ifinfomsg({}) });
const BRIDGES = 60;
const TIMEOUT_MS = 5000;
const fds: number[] = [];
let ns: Netns;

interface Message {
  type: number;
  flags: number;
  seq: number;
  data: Buffer;
}

// As RtSocket frames a request: REQUEST|ACK added, sequence number left to the addon.
function frame(req: Request, flags = F.REQUEST | F.ACK): Buffer {
  return Buffer.concat([u32(16 + req.body.length), u16(req.type), u16(req.flags | flags), u32(0), u32(0), req.body]);
}

function messages(answer: Buffer): Message[] {
  const out: Message[] = [];
  for (let at = 0; at < answer.length; at += (readU32(answer, at) + 3) & ~3) {
    const len = readU32(answer, at);
    out.push({ type: readU16(answer, at + 4), flags: readU16(answer, at + 6), seq: readU32(answer, at + 8), data: answer.subarray(at + 16, at + len) });
  }
  return out;
}

/** A socket opened inside the test namespace. */
function openInNs(protocol = 0): number {
  const fd = withNetns(ns.path, () => calls.open(protocol));
  fds.push(fd);
  return fd;
}

function throwsErrno(fn: () => unknown, code: string, syscall: string, message?: string): void {
  try {
    fn();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    assert.equal([e.code, e.syscall], [code, syscall], e.message);
    if (message !== undefined) assert.is(e.message, message);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test.before(() => {
  ns = makeNetns('nl');
  // Enough links that their dump takes several datagrams.
  const batch = Array.from({ length: BRIDGES }, (_, i) => `link add cnb${i} type bridge\n`).join('');
  execFileSync('ip', ['-n', ns.name, '-batch', '-'], { input: batch });
});

test.after(() => {
  for (const fd of fds.splice(0)) {
    try {
      calls.close(fd);
    } catch {
      // closed by the test itself
    }
  }
  cleanup();
});

test('a link dump in the namespace: every link, one sequence number, ending in NLMSG_DONE', () => {
  const fd = openInNs();
  const all = messages(calls.request(fd, frame(listLinksRequest()), TIMEOUT_MS));
  const end = all.pop();
  assert.is(end?.type, 3);
  assert.is(end && readS32(end.data, 0), 0);
  assert.ok(all.every((m) => m.type === RTM.NEWLINK && (m.flags & 2) !== 0), 'NLM_F_MULTI parts');
  assert.is(new Set([...all, end].map((m) => m?.seq)).size, 1);
  const names = all.map((m) => parseLink(m.data).name);
  assert.equal(names.sort(), ['lo', ...Array.from({ length: BRIDGES }, (_, i) => `cnb${i}`)].sort());
});

test('a socket opened in a namespace stays there after the thread switched back', () => {
  const before = readlinkSync('/proc/thread-self/ns/net');
  const fd = openInNs();
  assert.is(readlinkSync('/proc/thread-self/ns/net'), before);
  inNetns(ns, 'ip', 'link', 'add', 'cnlate', 'type', 'bridge');
  const names = messages(calls.request(fd, frame(listLinksRequest()), TIMEOUT_MS))
    .filter((m) => m.type === RTM.NEWLINK)
    .map((m) => parseLink(m.data).name);
  assert.ok(names.includes('cnlate') && names.includes('cnb0'), names.join());
  assert.is(names.length, BRIDGES + 2);
});

test('RTM_GETLINK of a missing ifindex: one NLMSG_ERROR carrying -ENODEV', () => {
  const fd = openInNs();
  const [only, ...rest] = messages(calls.request(fd, frame(getLinkRequest(987654)), TIMEOUT_MS));
  assert.equal(rest, []);
  assert.is(only?.type, 2);
  assert.is(only && readS32(only.data, 0), -19);
});

test('each request gets a new sequence number; an answer left queued with another is skipped', () => {
  const fd = openInNs();
  const getLo = frame(getLinkRequest(1));
  // A second message in the same datagram, numbered by us: its reply and ACK stay queued
  // after the first message's ACK ends the request.
  const STALE = 0x7ffffff0;
  const stale = Buffer.from(getLo);
  stale.writeUInt32LE(STALE, 8);
  const first = messages(calls.request(fd, Buffer.concat([getLo, stale]), TIMEOUT_MS));
  const second = messages(calls.request(fd, getLo, TIMEOUT_MS));
  assert.equal(first.map((m) => m.type), [RTM.NEWLINK, 2]);
  assert.equal(second.map((m) => m.type), [RTM.NEWLINK, 2]);
  const [a, b] = [first[0]!.seq, second[0]!.seq];
  assert.ok(a !== 0 && b > a && b !== STALE, `${a} then ${b}`);
  assert.ok(first.every((m) => m.seq === a) && second.every((m) => m.seq === b));
  assert.is(getLo.readUInt32LE(8), 0, "the caller's buffer is left as it was");
});

test('on a worker thread: the same answer, the main thread free meanwhile, errors as rejections', async () => {
  const fd = openInNs();
  const pending = calls.requestOffThread(fd, frame(listLinksRequest()), TIMEOUT_MS);
  assert.ok(pending instanceof Promise);
  const names = messages(await pending)
    .filter((m) => m.type === RTM.NEWLINK)
    .map((m) => parseLink(m.data).name);
  assert.ok(names.includes('lo') && names.includes('cnb0'), names.join());
  const [only] = messages(await calls.requestOffThread(fd, frame(getLinkRequest(987654)), TIMEOUT_MS));
  assert.is(only && readS32(only.data, 0), -19);
  try {
    await calls.requestOffThread(-1, frame(getLinkRequest(1)), TIMEOUT_MS);
    assert.unreachable('expected EBADF');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    assert.equal([e.code, e.syscall], ['EBADF', 'sendto'], e.message);
  }
});

test('an answer that never ends is ETIMEDOUT after the timeout', () => {
  const fd = openInNs();
  // RTM_SETLINK without NLM_F_ACK changing nothing: the kernel answers a success with silence.
  const body = Buffer.concat([Buffer.from([0, 0]), u16(0), u32(1), u32(0), u32(0)]);
  const start = performance.now();
  throwsErrno(() => calls.request(fd, frame({ type: RTM.SETLINK, flags: 0, body }, F.REQUEST), 100), 'ETIMEDOUT', 'poll', 'no answer from the kernel in time');
  const took = performance.now() - start;
  assert.ok(took >= 99 && took < 2000, `${took} ms`);
  assert.equal(messages(calls.request(fd, frame(getLinkRequest(1)), TIMEOUT_MS)).map((m) => m.type), [RTM.NEWLINK, 2]);
});

test('nfnetlink: a socket of protocol 12 answers an nftables table dump with NLMSG_DONE', () => {
  const fd = openInNs(12);
  const nfgenmsg = Buffer.from([2, 0, 0, 0]);
  const [only, ...rest] = messages(calls.request(fd, frame({ type: (10 << 8) | 1, flags: F.DUMP, body: nfgenmsg }), TIMEOUT_MS));
  assert.equal(rest, []);
  assert.equal([only?.type, only && readS32(only.data, 0)], [3, 0]);
});

test('system errors carry code, errno and syscall; bad arguments are TypeErrors', () => {
  throwsErrno(() => calls.open(99), 'EPROTONOSUPPORT', 'socket', 'EPROTONOSUPPORT: protocol not supported, socket');
  const fd = 987654; // no such descriptor
  throwsErrno(() => calls.close(fd), 'EBADF', 'close');
  throwsErrno(() => calls.request(fd, frame(getLinkRequest(1)), TIMEOUT_MS), 'EBADF', 'sendto');
  const addon = calls as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const bad of [() => addon.open!('0'), () => addon.request!(fd, 'x', 1), () => addon.request!(fd, Buffer.alloc(8), 1), () => addon.close!()]) {
    assert.throws(bad, (e: Error) => e instanceof TypeError);
  }
});

test.run();
