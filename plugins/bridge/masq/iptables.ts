// ipMasq on iptables: per family, one iptables-restore, planned (iptables-plan.ts) without a
// listing first and against iptables-save only when the table was not as assumed. Families run
// in parallel.
import { settleAll } from '../../../lib/cni/errors.ts';
import { iptablesUsable } from '../../../lib/firewall/backend.ts';
import { iptablesRestore, iptablesSave, type IptablesTable } from '../../../lib/firewall/iptables.ts';
import type { Family } from '../../../lib/ip/index.ts';
import type { MasqBackend } from './backend.ts';
import { missingMasqRules, planMasqGc, planMasqSetup, planMasqTeardown, planMasqTeardownExact, type MasqAddress } from './iptables-plan.ts';

const EMPTY: IptablesTable = { chains: new Map() };
const BOTH: readonly Family[] = [4, 6];

/**
 * Applies `fast` (a plan that needs no listing) and, only if iptables refuses it because the
 * table is not as assumed, lists the table and applies what `planned` makes of it. Listing costs
 * as much as the nat table is large (a thousand containers); the first try does not.
 */
async function restoreOptimistically(f: Family, fast: string, planned: (t: IptablesTable) => string): Promise<void> {
  if (fast) {
    try {
      await iptablesRestore(f, fast);
      return;
    } catch {
      // the table was not as assumed: plan against what is really there
    }
  }
  const script = planned(await iptablesSave(f, 'nat'));
  if (script) await iptablesRestore(f, script);
}

/** The addresses per family that has any. */
const byFamily = (addrs: readonly MasqAddress[]): [Family, MasqAddress[]][] =>
  BOTH.flatMap((f) => {
    const mine = addrs.filter((a) => a.family === f);
    return mine.length > 0 ? [[f, mine] as [Family, MasqAddress[]]] : [];
  });

export const iptablesMasq: MasqBackend = {
  async setup(a, addrs) {
    await Promise.all(
      byFamily(addrs).map(([f, mine]) => {
        const plan = (t: IptablesTable): string => planMasqSetup(t, a.network, a.containerID, mine);
        return restoreOptimistically(f, plan(EMPTY), plan);
      }),
    );
  },

  async missing(a, addrs) {
    const out: string[] = [];
    for (const [f, mine] of byFamily(addrs)) out.push(...missingMasqRules(await iptablesSave(f, 'nat'), a.network, a.containerID, mine));
    return out;
  },

  // With no address known, the chain is found by name in both families.
  async teardown(a, addrs) {
    const families: [Family, MasqAddress[]][] = addrs.length === 0 ? BOTH.map((f) => [f, []]) : byFamily(addrs);
    await settleAll(
      families.map(([f, mine]) =>
        restoreOptimistically(f, planMasqTeardownExact(a.network, a.containerID, mine), (t) => planMasqTeardown(t, a.network, a.containerID, mine)),
      ),
    );
  },

  async gc(network, keep) {
    const ids = new Set(keep.map((k) => k.containerID));
    await settleAll(
      BOTH.map(async (f) => {
        const script = planMasqGc(await iptablesSave(f, 'nat'), network, ids);
        if (script) await iptablesRestore(f, script);
      }),
    );
  },

  usable: iptablesUsable,
};
