// The networks of a conf dir as status and doctor see them: each list with what its bridge and
// host-local configs say (the bridge name, the reservations directory), decoded by the plugins'
// own config parsers so that defaults are theirs.
import { loadNetworkConfs, type NetworkConfigList, type PluginConfig } from '../../../lib/cni/netconf.ts';
import { loadConfig, type HostLocalConfig } from '../../../ipam/host-local/config.ts';
import { parseBridgeConf, type BridgeConfig } from '../../../plugins/bridge/config.ts';

export interface Network {
  readonly file: string;
  readonly list: NetworkConfigList;
  readonly bridge?: BridgeConfig;
  readonly hostLocal?: HostLocalConfig;
  /** Why the bridge or its host-local config could not be decoded. */
  readonly problem?: string;
}

export type LoadedNetwork = Network | { readonly file: string; readonly error: Error };

const pluginInput = (list: NetworkConfigList, p: PluginConfig): Record<string, unknown> => ({ ...p.raw, name: list.name, cniVersion: list.cniVersion });

function describe(file: string, list: NetworkConfigList): Network {
  const plugin = list.plugins.find((p) => p.type === 'bridge');
  if (!plugin) return { file, list };
  try {
    const bridge = parseBridgeConf(pluginInput(list, plugin), '', 'DEL');
    const hostLocal = bridge.ipamType === 'host-local' ? loadConfig(pluginInput(list, plugin), '') : undefined;
    return { file, list, bridge, ...(hostLocal && { hostLocal }) };
  } catch (err) {
    return { file, list, problem: (err as Error).message };
  }
}

/** Every network of `confDir` as libcni loads them, with the files it could not load. */
export const loadNetworks = (confDir: string): LoadedNetwork[] =>
  loadNetworkConfs(confDir).map((c) => ('error' in c ? c : describe(c.file, c.list)));
