// Request and answer over netlink's raw socket. We skip the package's NetlinkSocket layer: it
// costs about 3 ms to load (it enumerates node:util), and on a GET it resolves on the reply
// and lets the ACK that follows arrive unclaimed. Here a request ends at its ACK, its error,
// or the DONE of a dump.
import type { RawNetlinkSocket } from 'netlink/dist/raw.js';
import { F, NLMSG_ERROR, readS32, readU16, readU32, u16, u32 } from './codec.ts';
import type { Request } from './codec.ts';
import { errnoError, wrapError } from './errors.ts';

const NLMSG_DONE = 3;

/** Netlink protocols we speak: rtnetlink for links, addresses and routes; nfnetlink for nftables
 *  and conntrack. */
export const NETLINK = { ROUTE: 0, NETFILTER: 12 } as const;

interface Pending {
  what: string;
  parts: Buffer[];
  resolve(parts: Buffer[]): void;
  reject(err: Error): void;
}

/** Loads the netlink package's raw socket, and with it the binding, on first use; the returned
 *  function opens a socket of `protocol` in the calling thread's namespace. */
export async function loadRawSocket(protocol: number = NETLINK.ROUTE): Promise<() => RawNetlinkSocket> {
  const { RawNetlinkSocket } = await import('netlink/dist/raw.js');
  return () => new RawNetlinkSocket(protocol);
}

/** A request/answer socket of `protocol` in the current namespace. */
export async function openSocket(protocol: number): Promise<RtSocket> {
  return new RtSocket((await loadRawSocket(protocol))());
}

export class RtSocket {
  readonly #raw: RawNetlinkSocket;
  readonly #pending = new Map<number, Pending>();
  #seq = 0;

  constructor(raw: RawNetlinkSocket) {
    this.#raw = raw;
    raw.unref(); // an idle socket must not keep the process alive
    raw.on('message', (buf) => this.#receive(buf));
    raw.on('error', (err) => this.#failAll(err));
  }

  /** Sends `req` with REQUEST|ACK; resolves with the payloads of the answer (none for a
   *  plain ACK), rejects with an ErrnoError named by `what`. */
  request(req: Request, what: string): Promise<Buffer[]> {
    this.#seq = (this.#seq % 0x7fffffff) + 1;
    const seq = this.#seq;
    const header = Buffer.concat([u32(16 + req.body.length), u16(req.type), u16(req.flags | F.REQUEST | F.ACK), u32(seq), u32(0)]);
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#raw.ref();
      this.#pending.set(seq, { what, parts: [], resolve, reject });
      this.#raw.send([header, req.body], {}, (err) => {
        if (err !== undefined) this.#settle(seq, wrapError(what, err));
      });
    });
  }

  close(): void {
    this.#failAll(new Error('netlink socket closed'));
    this.#raw.close();
  }

  #receive(buf: Buffer): void {
    for (let at = 0; at + 16 <= buf.length; ) {
      const len = readU32(buf, at);
      if (len < 16 || at + len > buf.length) break;
      const type = readU16(buf, at + 4);
      const seq = readU32(buf, at + 8);
      const data = buf.subarray(at + 16, at + len);
      at += (len + 3) & ~3;
      const p = this.#pending.get(seq);
      if (p === undefined) continue;
      if (type === NLMSG_ERROR || type === NLMSG_DONE) {
        // Both carry an errno first: 0 is success (an ACK, or a dump that completed).
        const errno = data.length >= 4 ? readS32(data, 0) : 0;
        this.#settle(seq, errno === 0 ? p.parts : errnoError(p.what, errno));
      } else {
        p.parts.push(data); // a part of a dump, or the reply to a GET that its ACK follows
      }
    }
  }

  #settle(seq: number, result: Buffer[] | Error): void {
    const p = this.#pending.get(seq);
    if (p === undefined) return;
    this.#pending.delete(seq);
    if (this.#pending.size === 0) this.#raw.unref();
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
  }

  #failAll(err: Error): void {
    for (const seq of [...this.#pending.keys()]) {
      const p = this.#pending.get(seq);
      if (p !== undefined) this.#settle(seq, wrapError(p.what, err));
    }
  }
}
