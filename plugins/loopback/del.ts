// DEL as the reference's cmdDel: `lo` down in the container. Nothing to do without a netns, or
// when the netns is already gone (a runtime may DEL more than once, or after the sandbox died).
import type { Request } from '../../lib/cni/plugin.ts';
import { hasCode, type Netlink } from '../../lib/net/index.ts';
import type { Deps } from './deps.ts';
import { LO } from './lo.ts';

export async function del(req: Request<unknown>, deps: Deps): Promise<void> {
  if (req.netns === '') return;
  let nl: Netlink;
  try {
    nl = await deps.openNetlink(req.netns);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    throw err;
  }
  try {
    await nl.changeLink(LO, { up: false }, `failed to set "${LO}" down`);
  } finally {
    nl.close();
  }
}
