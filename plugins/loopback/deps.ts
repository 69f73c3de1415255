// What the loopback verbs touch: rtnetlink inside the container's namespace. Unit tests pass a
// fake kernel.
import { openNetlink, type Netlink } from '../../lib/net/index.ts';

export interface Deps {
  /** rtnetlink in the namespace at `netns`. */
  openNetlink(netns: string): Promise<Netlink>;
}

export const hostDeps: Deps = { openNetlink };
