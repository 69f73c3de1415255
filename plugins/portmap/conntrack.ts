// Deleting conntrack entries by protocol and original destination port, in-process over
// ctnetlink (what the reference does through its netlink library): a stale UDP entry for a host
// port keeps sending a client's packets to the container that had the port before.
import { F, NLA_F_NESTED, attr, nfgenmsg, parseAttrs } from '../../lib/net/codec.ts';
import { hasCode } from '../../lib/net/errors.ts';
import { NETLINK, openSocket } from '../../lib/net/socket.ts';
import type { Family } from '../../lib/ip/index.ts';

const NFNL_SUBSYS_CTNETLINK = 1;
const IPCTNL_MSG_CT_GET = 1;
const IPCTNL_MSG_CT_DELETE = 2;
const CTA_TUPLE_ORIG = 1;
const CTA_TUPLE_PROTO = 2;
const CTA_PROTO_NUM = 1;
const CTA_PROTO_DST_PORT = 3;
const CTA_ZONE = 18;

export { IPPROTO } from '../../lib/net/codec.ts';

const msgType = (msg: number): number => (NFNL_SUBSYS_CTNETLINK << 8) | msg;

/** The original tuple (raw) and zone of each entry matching protocol and destination port. */
export function matchingEntries(parts: readonly Buffer[], proto: number, ports: ReadonlySet<number>): { tuple: Buffer; zone?: Buffer }[] {
  const out: { tuple: Buffer; zone?: Buffer }[] = [];
  for (const part of parts) {
    const attrs = parseAttrs(part, 4);
    const tuple = attrs.get(CTA_TUPLE_ORIG);
    const p = tuple && parseAttrs(tuple).get(CTA_TUPLE_PROTO);
    if (!tuple || !p) continue;
    const pa = parseAttrs(p);
    const num = pa.get(CTA_PROTO_NUM)?.[0];
    const port = pa.get(CTA_PROTO_DST_PORT);
    if (num !== proto || !port || port.length < 2 || !ports.has(port.readUInt16BE(0))) continue;
    const zone = attrs.get(CTA_ZONE);
    out.push({ tuple, ...(zone && { zone }) });
  }
  return out;
}

/**
 * Deletes every entry of `family` with this protocol and an original destination port in
 * `ports`; returns how many went. Entries that vanish meanwhile are not an error.
 */
export async function deleteConntrackByDstPort(family: Family, proto: number, ports: readonly number[]): Promise<number> {
  if (ports.length === 0) return 0;
  const socket = openSocket(NETLINK.NETFILTER);
  try {
    const parts = await socket.request({ type: msgType(IPCTNL_MSG_CT_GET), flags: F.DUMP, body: nfgenmsg(family) }, 'failed to list conntrack entries');
    const doomed = matchingEntries(parts, proto, new Set(ports));
    const results = await Promise.allSettled(
      doomed.map(({ tuple, zone }) =>
        socket.request(
          {
            type: msgType(IPCTNL_MSG_CT_DELETE),
            flags: 0,
            body: Buffer.concat([nfgenmsg(family), attr(CTA_TUPLE_ORIG | NLA_F_NESTED, tuple), ...(zone ? [attr(CTA_ZONE, zone)] : [])]),
          },
          'failed to delete conntrack entry',
        ),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !hasCode(r.reason, 'ENOENT'));
    if (failed) throw failed.reason;
    return results.filter((r) => r.status === 'fulfilled').length;
  } finally {
    socket.close();
  }
}
