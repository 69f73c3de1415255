// The hand-written ListPodSandbox codec against protobufjs reading the CRI .proto of the e2e test
// (field numbers from k8s.io/cri-api): what protobufjs encodes, we decode, unknown fields skipped.
import protobuf from 'protobufjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeListPodSandboxResponse, encodeListPodSandboxRequest } from '../../../../bin/admin/gc/cri-codec.ts';
import { PROTO } from '../../../../e2e/cri/client.ts';
import { throwsMessage } from '../../../helpers/assert.ts';

const root = protobuf.loadSync(PROTO);
const Response = root.lookupType('runtime.v1.ListPodSandboxResponse');
const Request = root.lookupType('runtime.v1.ListPodSandboxRequest');

const encode = (obj: object): Buffer => Buffer.from(Response.encode(Response.fromObject(obj)).finish());

test('encodeListPodSandboxRequest: no filter, every sandbox in any state', () => {
  const req = encodeListPodSandboxRequest();
  assert.is(req.length, 0);
  assert.equal(Request.toObject(Request.decode(req)), {});
});

test('decodeListPodSandboxResponse: id, state, created_at and metadata; labels, annotations and handler skipped', () => {
  const buf = encode({
    items: [
      {
        id: 'a'.repeat(64),
        metadata: { name: 'web', uid: 'u-1', namespace: 'default', attempt: 2 },
        state: 1,
        createdAt: '1764770000123456789',
        labels: { app: 'web' },
        annotations: { x: 'y' },
        runtimeHandler: 'runc',
      },
      { id: 'b1', state: 0 },
    ],
  });
  assert.equal(decodeListPodSandboxResponse(buf), [
    { id: 'a'.repeat(64), state: 'SANDBOX_NOTREADY', createdAt: '1764770000123456789', name: 'web', namespace: 'default', uid: 'u-1' },
    { id: 'b1', state: 'SANDBOX_READY', createdAt: '0', name: '', namespace: '', uid: '' },
  ]);
});

test('decodeListPodSandboxResponse: an empty answer is an empty list', () => {
  assert.equal(decodeListPodSandboxResponse(Buffer.alloc(0)), []);
});

test('decodeListPodSandboxResponse: fixed-width and unknown fields are skipped, an unknown state is shown', () => {
  // item { id = "x" (1), fixed64 field 9, fixed32 field 10, state = 7 }
  const item = Buffer.from([0x0a, 0x01, 0x78, 0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x55, 1, 2, 3, 4, 0x18, 0x07]);
  const buf = Buffer.concat([Buffer.from([0x0a, item.length]), item, Buffer.from([0x10, 0x01])]);
  assert.equal(decodeListPodSandboxResponse(buf), [{ id: 'x', state: 'UNKNOWN(7)', createdAt: '0', name: '', namespace: '', uid: '' }]);
});

test('decodeListPodSandboxResponse: a truncated or malformed message is an error, never a shorter list', () => {
  const good = encode({ items: [{ id: 'abc' }, { id: 'def' }] });
  throwsMessage(() => decodeListPodSandboxResponse(good.subarray(0, good.length - 1)), /past the end/);
  throwsMessage(() => decodeListPodSandboxResponse(Buffer.from([0x0a, 0x80])), /truncated varint/);
  throwsMessage(() => decodeListPodSandboxResponse(Buffer.from([0x0b])), /wire type 3/);
});

test.run();
