// RtSocket over a fake of the addon's netlink calls: how a request is framed, how the answer's
// end decides between payloads and an error, and the shapes of the errors. No root needed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { NetlinkCalls } from '../../../lib/native/index.ts';
import { s32, u16, u32 } from '../../../lib/net/codec.ts';
import { ANSWER_TIMEOUT_MS, openSocket } from '../../../lib/net/socket.ts';
import { rejection } from '../../helpers/assert.ts';

const test = suite('net socket');

class FakeCalls implements NetlinkCalls {
  opened: number[] = [];
  closed: number[] = [];
  sent: { fd: number; message: Buffer; timeoutMs: number }[] = [];
  answers: (Buffer | Error)[] = [];
  openError: Error | undefined;
  open(protocol: number): number {
    if (this.openError) throw this.openError;
    this.opened.push(protocol);
    return 40 + protocol;
  }
  request(fd: number, message: Buffer, timeoutMs: number): Buffer {
    this.sent.push({ fd, message, timeoutMs });
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error('no answer queued');
    if (answer instanceof Error) throw answer;
    return answer;
  }
  offThread = 0;
  async requestOffThread(fd: number, message: Buffer, timeoutMs: number): Promise<Buffer> {
    this.offThread++;
    return this.request(fd, message, timeoutMs);
  }
  close(fd: number): void {
    this.closed.push(fd);
  }
}

function msg(type: number, data: Buffer, flags = 0): Buffer {
  const len = 16 + data.length;
  const pad = Buffer.alloc(((len + 3) & ~3) - len);
  return Buffer.concat([u32(len), u16(type), u16(flags), u32(7), u32(1234), data, pad]);
}
const ack = (errno = 0): Buffer => msg(2, Buffer.concat([s32(errno), Buffer.alloc(16)]));
const done = (errno = 0): Buffer => msg(3, s32(errno), 2);
const part = (text: string): Buffer => msg(16, Buffer.from(text), 2);

function setup(): { calls: FakeCalls; sock: ReturnType<typeof openSocket> } {
  const calls = new FakeCalls();
  return { calls, sock: openSocket(12, calls) };
}

test('a request is one message with REQUEST|ACK and its own flags, sequence number left to the addon', async () => {
  const { calls, sock } = setup();
  assert.equal(calls.opened, [12]);
  calls.answers.push(ack());
  assert.equal(await sock.request({ type: 20, flags: 0x600, body: Buffer.from([1, 2, 3, 4]) }, 'x'), []);
  const { fd, message, timeoutMs } = calls.sent[0]!;
  assert.equal([fd, timeoutMs], [52, ANSWER_TIMEOUT_MS]);
  assert.equal(
    [message.readUInt32LE(0), message.readUInt16LE(4), message.readUInt16LE(6), message.readUInt32LE(8), message.readUInt32LE(12)],
    [20, 20, 0x605, 0, 0],
  );
  assert.equal([...message.subarray(16)], [1, 2, 3, 4]);
});

test('a GET answer is the reply before its ACK; a dump is its parts before DONE', async () => {
  const { calls, sock } = setup();
  calls.answers.push(Buffer.concat([msg(16, Buffer.from('link')), ack()]));
  assert.equal((await sock.request({ type: 18, flags: 0, body: Buffer.alloc(16) }, 'x')).map(String), ['link']);
  calls.answers.push(Buffer.concat([part('a'), part('bb'), part('ccc'), done()]));
  assert.equal((await sock.request({ type: 18, flags: 0x300, body: Buffer.alloc(16) }, 'x')).map(String), ['a', 'bb', 'ccc']);
});

test('an error answer rejects with code, errno and the message naming the operation', async () => {
  const { calls, sock } = setup();
  calls.answers.push(ack(-17), Buffer.concat([part('a'), done(-16)]), ack());
  const e = await rejection<NodeJS.ErrnoException>(sock.request({ type: 16, flags: 0, body: Buffer.alloc(16) }, 'failed to create bridge "br0"'));
  assert.equal([e.message, e.code, e.errno], ['failed to create bridge "br0": file exists', 'EEXIST', -17]);
  const d = await rejection<NodeJS.ErrnoException>(sock.request({ type: 18, flags: 0x300, body: Buffer.alloc(16) }, 'failed to list links'));
  assert.equal([d.message, d.code, d.errno], ['failed to list links: device or resource busy', 'EBUSY', -16]);
  assert.equal(await sock.request({ type: 16, flags: 0, body: Buffer.alloc(16) }, 'then'), []);
});

test("the addon's errors keep code and errno under the operation's name", async () => {
  const { calls, sock } = setup();
  calls.answers.push(
    Object.assign(new Error('ENOBUFS: no buffer space available, recv'), { code: 'ENOBUFS', errno: -105, syscall: 'recv' }),
    Object.assign(new Error('no answer from the kernel in time'), { code: 'ETIMEDOUT', errno: -110, syscall: 'poll' }),
    Object.assign(new Error('dump interrupted by concurrent changes on every attempt (NLM_F_DUMP_INTR)'), { code: 'EINTR', errno: -4, syscall: 'recv' }),
  );
  const req = { type: 18, flags: 0, body: Buffer.alloc(16) };
  const a = await rejection<NodeJS.ErrnoException>(sock.request(req, 'failed to get link "a"'));
  assert.equal([a.message, a.code, a.errno, a.syscall], ['failed to get link "a": no buffer space available', 'ENOBUFS', -105, 'recv']);
  const b = await rejection<NodeJS.ErrnoException>(sock.request(req, 'failed to get link "b"'));
  assert.equal([b.message, b.code, b.errno], ['failed to get link "b": no answer from the kernel in time', 'ETIMEDOUT', -110]);
  const c = await rejection<NodeJS.ErrnoException>(sock.request(req, 'failed to list links'));
  assert.equal([c.message, c.code], ['failed to list links: dump interrupted by concurrent changes on every attempt (NLM_F_DUMP_INTR)', 'EINTR']);
});

test('offThread sends the same message through the worker-thread call, with the same answers and errors', async () => {
  const { calls, sock } = setup();
  const req = { type: 17, flags: 0, body: Buffer.from([5, 6, 7, 8]) };
  calls.answers.push(ack(), ack(), ack(-19));
  assert.equal(await sock.request(req, 'x'), []);
  assert.is(calls.offThread, 0);
  assert.equal(await sock.request(req, 'x', { offThread: true }), []);
  assert.is(calls.offThread, 1);
  assert.equal(calls.sent[1]!.message, calls.sent[0]!.message);
  const e = await rejection<NodeJS.ErrnoException>(sock.request(req, 'failed to delete link "eth0"', { offThread: true }));
  assert.equal([e.code, e.message], ['ENODEV', 'failed to delete link "eth0": no such device']);
});

test('opening names its failure; close closes once, and a request after it reaches the addon with no fd', async () => {
  const calls = new FakeCalls();
  calls.openError = Object.assign(new Error('EMFILE: too many open files, socket'), { code: 'EMFILE', errno: -24, syscall: 'socket' });
  assert.throws(() => openSocket(0, calls), (e: NodeJS.ErrnoException) => e.message === 'failed to open a netlink socket: too many open files' && e.code === 'EMFILE');
  const { calls: c, sock } = setup();
  sock.close();
  sock.close();
  assert.equal(c.closed, [52]);
  c.answers.push(Object.assign(new Error('EBADF: bad file descriptor, sendto'), { code: 'EBADF', errno: -9, syscall: 'sendto' }));
  const e = await rejection<NodeJS.ErrnoException>(sock.request({ type: 18, flags: 0, body: Buffer.alloc(16) }, 'late'));
  assert.equal([c.sent[0]?.fd, e.message], [-1, 'late: bad file descriptor']);
});

test.run();
