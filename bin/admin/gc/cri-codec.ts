// The protobuf wire form of the one CRI call the gc makes, written by hand so that the single
// executable needs no .proto at run time: ListPodSandbox with no filter (every sandbox, any
// state), and of its answer only the sandboxes' id, state, creation time and metadata. Field
// numbers are those of k8s.io/cri-api pkg/apis/runtime/v1/api.proto; other fields are skipped,
// as protobuf decoders do.

export const LIST_POD_SANDBOX = '/runtime.v1.RuntimeService/ListPodSandbox';

export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY' | `UNKNOWN(${number})`;

export interface PodSandbox {
  readonly id: string;
  readonly state: SandboxState;
  /** Nanoseconds since the epoch, as a decimal string (int64). */
  readonly createdAt: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
}

/** ListPodSandboxRequest{}: an absent filter (field 1) lists everything. */
export const encodeListPodSandboxRequest = (): Buffer => Buffer.alloc(0);

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

type Field = { readonly no: number; readonly varint: bigint } | { readonly no: number; readonly bytes: Buffer } | { readonly no: number };

class Reader {
  private pos = 0;
  private readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw new Error('protobuf: truncated varint');
      const b = this.buf[this.pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v & 0xffff_ffff_ffff_ffffn;
    }
    throw new Error('protobuf: varint longer than 10 bytes');
  }

  take(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) throw new Error('protobuf: field runs past the end of the message');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  field(): Field {
    const key = this.varint();
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (no === 0) throw new Error('protobuf: field number 0');
    switch (wire) {
      case WIRE_VARINT:
        return { no, varint: this.varint() };
      case WIRE_LEN:
        return { no, bytes: this.take(Number(this.varint())) };
      case WIRE_I64:
        this.take(8);
        return { no };
      case WIRE_I32:
        this.take(4);
        return { no };
      default:
        throw new Error(`protobuf: unsupported wire type ${wire} (field ${no})`);
    }
  }
}

function fields(buf: Buffer, each: (f: Field) => void): void {
  const r = new Reader(buf);
  while (!r.done()) each(r.field());
}

const text = (f: Field): string => ('bytes' in f ? f.bytes.toString('utf8') : '');
const int = (f: Field): bigint => ('varint' in f ? f.varint : 0n);
const signed64 = (v: bigint): bigint => BigInt.asIntN(64, v);

function stateOf(v: bigint): SandboxState {
  const n = Number(signed64(v));
  return n === 0 ? 'SANDBOX_READY' : n === 1 ? 'SANDBOX_NOTREADY' : `UNKNOWN(${n})`;
}

function decodePodSandbox(buf: Buffer): PodSandbox {
  let id = '';
  let state: SandboxState = 'SANDBOX_READY';
  let createdAt = 0n;
  let name = '';
  let namespace = '';
  let uid = '';
  fields(buf, (f) => {
    if (f.no === 1) id = text(f);
    else if (f.no === 3) state = stateOf(int(f));
    else if (f.no === 4) createdAt = signed64(int(f));
    else if (f.no === 2 && 'bytes' in f) {
      fields(f.bytes, (m) => {
        if (m.no === 1) name = text(m);
        else if (m.no === 2) uid = text(m);
        else if (m.no === 3) namespace = text(m);
      });
    }
  });
  return { id, state, createdAt: createdAt.toString(), name, namespace, uid };
}

/** ListPodSandboxResponse: `repeated PodSandbox items = 1`. */
export function decodeListPodSandboxResponse(buf: Buffer): PodSandbox[] {
  const items: PodSandbox[] = [];
  fields(buf, (f) => {
    if (f.no === 1 && 'bytes' in f) items.push(decodePodSandbox(f.bytes));
  });
  return items;
}
