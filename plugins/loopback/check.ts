// CHECK: `lo` is up, as the reference checks, and also still holds the addresses ADD reported
// for it (those of the prevResult on an interface named lo; 127.0.0.1/8 without them). What is
// not as ADD left it is code 102; the reference answers 999 for a down lo and looks at no address.
import { CniError, Code, codeOf } from '../../lib/cni/errors.ts';
import type { Request } from '../../lib/cni/plugin.ts';
import type { Result } from '../../lib/cni/result.ts';
import type { LoopbackConfig } from './config.ts';
import type { Deps } from './deps.ts';
import { cidrOf, LO } from './lo.ts';

const IPV4_LOOPBACK = '127.0.0.1/8';

function expectedAddresses(prev: Result | undefined): string[] {
  const ips = (prev?.ips ?? []).filter((ip) => ip.interface !== undefined && prev?.interfaces?.[ip.interface]?.name === LO);
  return ips.length > 0 ? ips.map((ip) => ip.address) : [IPV4_LOOPBACK];
}

export async function check(req: Request<LoopbackConfig>, deps: Deps): Promise<void> {
  const nl = await deps.openNetlink(req.netns);
  try {
    const link = await nl.getLink(LO);
    if (!link.up) throw new Error('loopback interface is down');
    const have = new Set((await nl.listAddresses(LO)).map(cidrOf));
    const missing = expectedAddresses(req.config.prevResult).find((a) => !have.has(a));
    if (missing !== undefined) throw new Error(`loopback interface lacks address ${missing}`);
  } catch (err) {
    if (codeOf(err) !== Code.Internal) throw err;
    throw new CniError(Code.CheckFailed, (err as Error).message, '', { cause: err });
  } finally {
    nl.close();
  }
}
