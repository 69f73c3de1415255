// RtSocket over a fake raw socket: how answers end requests (ACK, error, DONE of a dump),
// and that the socket keeps the process alive only while a request is pending.
import { EventEmitter } from 'node:events';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RawNetlinkSocket } from 'netlink/dist/raw.js';
import { u16, u32, s32 } from '../../lib/net/codec.ts';
import { RtSocket } from '../../lib/net/socket.ts';

const test = suite('net socket');

class FakeRaw extends EventEmitter {
  sent: Buffer[] = [];
  refs = 1;
  sendError: Error | undefined;
  send(msg: Uint8Array[], _o: unknown, cb: (err?: Error) => void): void {
    this.sent.push(Buffer.concat(msg));
    queueMicrotask(() => cb(this.sendError));
  }
  ref(): void {
    this.refs = 1;
  }
  unref(): void {
    this.refs = 0;
  }
  close(): void {}
}

function msg(type: number, seq: number, data: Buffer, flags = 0): Buffer {
  const len = 16 + data.length;
  const pad = Buffer.alloc(((len + 3) & ~3) - len);
  return Buffer.concat([u32(len), u16(type), u16(flags), u32(seq), u32(1234), data, pad]);
}
const ack = (seq: number, errno = 0): Buffer => msg(2, seq, Buffer.concat([s32(errno), Buffer.alloc(16)]));
const done = (seq: number): Buffer => msg(3, seq, s32(0), 2);

function setup(): { raw: FakeRaw; sock: RtSocket } {
  const raw = new FakeRaw();
  return { raw, sock: new RtSocket(raw as unknown as RawNetlinkSocket) };
}

test('a request carries REQUEST|ACK and its own flags, and ends at its ACK', async () => {
  const { raw, sock } = setup();
  assert.is(raw.refs, 0);
  const p = sock.request({ type: 20, flags: 0x600, body: Buffer.from([1, 2, 3, 4]) }, 'x');
  assert.is(raw.refs, 1);
  const sent = raw.sent[0] ?? Buffer.alloc(0);
  assert.is(sent.readUInt32LE(0), 20);
  assert.is(sent.readUInt16LE(4), 20);
  assert.is(sent.readUInt16LE(6), 0x605);
  assert.is(sent.readUInt32LE(8), 1);
  raw.emit('message', ack(1));
  assert.equal(await p, []);
  assert.is(raw.refs, 0);
});

test('a GET answer is the reply before the ACK; other sequence numbers are ignored', async () => {
  const { raw, sock } = setup();
  const p = sock.request({ type: 18, flags: 0, body: Buffer.alloc(16) }, 'x');
  raw.emit('message', Buffer.concat([msg(16, 99, Buffer.from('zz')), msg(16, 1, Buffer.from('link')), ack(1)]));
  assert.equal((await p).map(String), ['link']);
});

test('a dump collects its parts across reads until DONE', async () => {
  const { raw, sock } = setup();
  const p = sock.request({ type: 18, flags: 0x300, body: Buffer.alloc(16) }, 'x');
  raw.emit('message', Buffer.concat([msg(16, 1, Buffer.from('a'), 2), msg(16, 1, Buffer.from('b'), 2)]));
  raw.emit('message', Buffer.concat([msg(16, 1, Buffer.from('c'), 2), done(1)]));
  assert.equal((await p).map(String), ['a', 'b', 'c']);
});

test('an error answer rejects with code, errno and the message naming the operation', async () => {
  const { raw, sock } = setup();
  const p = sock.request({ type: 16, flags: 0, body: Buffer.alloc(16) }, 'failed to create bridge "br0"');
  const q = sock.request({ type: 16, flags: 0, body: Buffer.alloc(16) }, 'second');
  raw.emit('message', Buffer.concat([ack(1, -17), ack(2)]));
  try {
    await p;
    assert.unreachable();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    assert.equal([e.message, e.code, e.errno], ['failed to create bridge "br0": file exists', 'EEXIST', -17]);
  }
  assert.equal(await q, []);
  assert.is(raw.refs, 0);
});

test('a send failure or a socket error rejects what is pending', async () => {
  const { raw, sock } = setup();
  raw.sendError = Object.assign(new Error('ENOBUFS: no buffer space available, sendmsg'), { code: 'ENOBUFS', errno: -105, syscall: 'sendmsg' });
  await sock.request({ type: 18, flags: 0, body: Buffer.alloc(16) }, 'failed to get link "a"').then(
    () => assert.unreachable(),
    (e: NodeJS.ErrnoException) => assert.equal([e.message, e.code], ['failed to get link "a": no buffer space available', 'ENOBUFS']),
  );
  raw.sendError = undefined;
  const p = sock.request({ type: 18, flags: 0, body: Buffer.alloc(16) }, 'b');
  raw.emit('error', new Error('poll failed'));
  await p.then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'b: poll failed'));
  assert.is(raw.refs, 0);
});

test.run();
