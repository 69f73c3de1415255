// Attachments whose ADD may still be running: a plugin's GC cannot tell them from leaks, since
// the runtime lists a sandbox and libcni caches its result only once the whole ADD is done. A
// host-local reservation is among the first things an ADD makes and records its attachment, so
// one younger than the grace marks an attachment the plugins' GC must keep (its address, and the
// masquerade and port-mapping rules that follow it). Read-only: the store itself is never opened.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import type { AttachmentRef } from '../../../lib/cni/attachment.ts';
import type { NetworkConfigList } from '../../../lib/cni/netconf.ts';
import { parseIP } from '../../../lib/ip/index.ts';
import { DEFAULT_DATA_DIR } from '../../../ipam/host-local/config.ts';
import { networkDir } from '../../../ipam/host-local/store/paths.ts';
import { parseHolder } from '../../../ipam/host-local/store/types.ts';

/** The host-local data directories the list's plugins use. */
function hostLocalDataDirs(list: NetworkConfigList): string[] {
  return list.plugins.flatMap((p) => {
    const ipam = p.raw.ipam as { type?: unknown; dataDir?: unknown } | undefined;
    if (ipam?.type !== 'host-local') return [];
    return [typeof ipam.dataDir === 'string' && ipam.dataDir !== '' ? ipam.dataDir : DEFAULT_DATA_DIR];
  });
}

/** The attachments holding a host-local reservation of `list` made at or after `sinceMs`. */
export function recentReservations(list: NetworkConfigList, sinceMs: number): AttachmentRef[] {
  const out: AttachmentRef[] = [];
  for (const dataDir of hostLocalDataDirs(list)) {
    let dir: string;
    let names: string[];
    try {
      dir = networkDir(dataDir, list.name);
      names = readdirSync(dir);
    } catch {
      continue; // no reservation made yet, or a name host-local refuses
    }
    for (const name of names) {
      if (parseIP(name) === undefined) continue;
      try {
        const file = `${dir}/${name}`;
        if (lstatSync(file).mtimeMs < sinceMs) continue;
        const holder = parseHolder(readFileSync(file, 'utf8'));
        if (holder?.kind === 'attachment') out.push({ containerID: holder.containerID, ifname: holder.ifname });
      } catch {
        // released meanwhile
      }
    }
  }
  return out;
}
