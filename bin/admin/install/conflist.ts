// The network that install writes: one conflist, bridge + host-local (+ portmap), in a file named
// to sort first, since containerd loads only the first file of its conf dir.
import type { PodCidr } from './cidr.ts';

export const CONFLIST_NAME = '00-cni-ts.conflist';

/** The top-level key that marks a conflist as written by install: libcni and the plugins ignore
 *  unknown top-level keys, and uninstall removes a conflist only when it carries this. */
export const MARKER_KEY = 'managedBy';
export const MARKER_VALUE = 'cni-ts install';

export interface NetworkOptions {
  readonly network: string;
  readonly bridge: string;
  readonly podCidrs: readonly PodCidr[];
  readonly mtu?: number;
  readonly portmap: boolean;
  readonly cniVersion: '1.0.0' | '1.1.0';
  readonly dataDir?: string;
}

const DEFAULT_ROUTE = { 4: '0.0.0.0/0', 6: '::/0' } as const;

export function conflist(o: NetworkOptions): object {
  const families = [...new Set(o.podCidrs.map((c) => c.family))].sort();
  const bridge = {
    type: 'bridge',
    bridge: o.bridge,
    isGateway: true,
    ipMasq: true,
    // A pod that reaches a Service whose endpoint is itself gets its packets back through its
    // own bridge port (kubenet and flannel set it too).
    hairpinMode: true,
    ...(o.mtu === undefined ? {} : { mtu: o.mtu }),
    ipam: {
      type: 'host-local',
      ranges: o.podCidrs.map((c) => [{ subnet: c.subnet }]),
      routes: families.map((f) => ({ dst: DEFAULT_ROUTE[f] })),
      ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
    },
  };
  const portmap = { type: 'portmap', capabilities: { portMappings: true } };
  return {
    cniVersion: o.cniVersion,
    name: o.network,
    [MARKER_KEY]: MARKER_VALUE,
    plugins: o.portmap ? [bridge, portmap] : [bridge],
  };
}

/** The file's exact text: compared byte for byte to decide whether to rewrite it. */
export const conflistText = (o: NetworkOptions): string => `${JSON.stringify(conflist(o), null, 2)}\n`;

/** Whether a conf file's text is one install wrote (any content, as long as it has the marker). */
export function isOurConflist(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && (parsed as Record<string, unknown>)[MARKER_KEY] === MARKER_VALUE;
  } catch {
    return false;
  }
}

const CONF_EXTENSIONS = ['.conf', '.conflist', '.json'];

/** The conf dir's files that libcni would load before ours (it sorts names bytewise), so that
 *  install can say which one containerd would use instead. */
export function shadowingFiles(names: readonly string[]): string[] {
  return names.filter((n) => n < CONFLIST_NAME && CONF_EXTENSIONS.some((e) => n.endsWith(e))).sort();
}
