// What a conformance scenario is: a black-box check of plugins found in a CNI bin dir, declaring
// the plugins it needs, the spec versions it covers and the behaviour it expects.
import type { SpecVersion } from '../lib/cni/version.ts';
import type { Ctx } from './harness/context.ts';

/**
 * `reference`: what the Go reference plugins do; it must pass on them as well as on ours.
 * `fixed`: where we deliberately differ from the reference (a bug fixed); `reason` says why.
 */
export type Behaviour = 'reference' | 'fixed';

export interface Scenario {
  /** Number from REFERENCE-PLUGINS.md section 5 (with a letter when one is split), or F<n> for fixed ones. */
  readonly id: string;
  readonly area: 'protocol' | 'host-local' | 'bridge' | 'portmap' | 'loopback';
  readonly title: string;
  /** Plugin binaries the scenario execs; missing ones make it a skip. */
  readonly plugins: readonly string[];
  /** Spec versions it covers; it runs with those the bin dir supports, and is skipped if none. */
  readonly versions: readonly SpecVersion[];
  readonly family: Behaviour;
  /** Why a `fixed` scenario differs from the reference, or why a reference one is limited. */
  readonly reason?: string;
  /** Kernel features it needs beyond veth/bridge/iptables (probed once; a missing one is a skip). */
  readonly needs?: readonly ('nftables' | 'ipv6' | 'vlan')[];
  readonly run: (t: Ctx) => Promise<void>;
}

export const ALL_VERSIONS: readonly SpecVersion[] = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];
/** Versions from `min` up. */
export const from = (min: SpecVersion): readonly SpecVersion[] => ALL_VERSIONS.slice(ALL_VERSIONS.indexOf(min));
