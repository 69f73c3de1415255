// Every scenario, in the order of REFERENCE-PLUGINS.md section 5, then loopback's, then the fixed ones.
import type { Scenario } from '../types.ts';
import { hostLocalScenarios } from './host-local.ts';
import { loopbackScenarios } from './loopback.ts';
import { bridgeScenarios } from './bridge.ts';
import { fixedScenarios } from './fixed.ts';
import { portmapScenarios } from './portmap.ts';
import { protocolScenarios } from './protocol.ts';

export const SCENARIOS: readonly Scenario[] = [...protocolScenarios, ...hostLocalScenarios, ...bridgeScenarios, ...portmapScenarios, ...loopbackScenarios, ...fixedScenarios];
