// Request and answer over our addon's blocking netlink socket. The addon sends one message and
// reads to the end of its answer (its ACK, its error, or the DONE of a dump); here the answer
// becomes payloads or an ErrnoError naming the operation.
import { netlinkCalls, type NetlinkCalls } from '../native/index.ts';
import { F, NLMSG_ERROR, readS32, readU16, readU32, u16, u32 } from './codec.ts';
import type { Request } from './codec.ts';
import { errnoError, wrapError } from './errors.ts';

const NLMSG_DONE = 3;

/** Netlink protocols we speak: rtnetlink for links, addresses and routes; nfnetlink for nftables
 *  and conntrack. */
export const NETLINK = { ROUTE: 0, NETFILTER: 12 } as const;

/** How long a request waits for its answer. Every network change on the host takes the kernel's
 *  one rtnl lock, and deleting a veth alone holds it 17-28 ms, so a busy node can keep an answer
 *  waiting for seconds; the Go plugins would wait forever. */
export const ANSWER_TIMEOUT_MS = 10_000;

/** A socket of `protocol` in the calling thread's network namespace, where it stays. */
export function openSocket(protocol: number, calls: NetlinkCalls = netlinkCalls): RtSocket {
  let fd: number;
  try {
    fd = calls.open(protocol);
  } catch (err) {
    throw wrapError('failed to open a netlink socket', err);
  }
  return new RtSocket(calls, fd);
}

export class RtSocket {
  readonly #calls: NetlinkCalls;
  #fd: number;

  constructor(calls: NetlinkCalls, fd: number) {
    this.#calls = calls;
    this.#fd = fd;
  }

  /** Sends `req` with REQUEST|ACK; resolves with the payloads of the answer (none for a
   *  plain ACK), rejects with an ErrnoError named by `what`. The call itself blocks until the
   *  answer is complete, unless `offThread`: then the kernel's work runs on a worker thread, for
   *  a request known to hold the kernel long, and the socket is not to be used until it settles. */
  async request(req: Request, what: string, { offThread = false } = {}): Promise<Buffer[]> {
    // Sequence number 0: the addon numbers each message it sends.
    const header = Buffer.concat([u32(16 + req.body.length), u16(req.type), u16(req.flags | F.REQUEST | F.ACK), u32(0), u32(0)]);
    const message = Buffer.concat([header, req.body]);
    let answer: Buffer;
    try {
      answer = offThread
        ? await this.#calls.requestOffThread(this.#fd, message, ANSWER_TIMEOUT_MS)
        : this.#calls.request(this.#fd, message, ANSWER_TIMEOUT_MS);
    } catch (err) {
      throw wrapError(what, err);
    }
    return payloads(answer, what);
  }

  /** Closes the socket once; a request after that fails with EBADF. */
  close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    this.#calls.close(fd);
  }
}

/** The payloads of an answer's messages before the NLMSG_ERROR or NLMSG_DONE that ends it,
 *  whose errno (0 for an ACK or a complete dump) decides between them and an error. */
function payloads(answer: Buffer, what: string): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at + 16 <= answer.length; ) {
    const len = readU32(answer, at);
    if (len < 16 || at + len > answer.length) break;
    const type = readU16(answer, at + 4);
    const data = answer.subarray(at + 16, at + len);
    at += (len + 3) & ~3;
    if (type !== NLMSG_ERROR && type !== NLMSG_DONE) {
      parts.push(data); // a part of a dump, or the reply to a GET that its ACK follows
      continue;
    }
    const errno = data.length >= 4 ? readS32(data, 0) : 0;
    if (errno !== 0) throw errnoError(what, errno);
  }
  return parts;
}
