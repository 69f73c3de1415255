// Loading the loopback configuration as the reference's parseNetConf does: the NetConf fields
// decoded (a wrong type is refused, naming the field) and prevResult read as the config's version.
import { CniError } from '../../lib/cni/errors.ts';
import { parsePrevResult } from '../../lib/cni/convert.ts';
import type { Result } from '../../lib/cni/result.ts';
import { decodeConfig, type ConfigSpec } from '../../lib/config/decode.ts';
import { validate } from './schema.generated.ts';
import { loopbackSchema, type LoopbackWire } from './schema.ts';

export interface LoopbackConfig {
  readonly cniVersion: string;
  readonly prevResult?: Result;
}

const spec: ConfigSpec<LoopbackWire> = { schema: loopbackSchema, validate };

export function loadConfig(raw: unknown): LoopbackConfig {
  try {
    const w = decodeConfig(raw, spec);
    const prevResult = w.prevResult === undefined ? undefined : parsePrevResult(w.prevResult, w.cniVersion);
    return { cniVersion: w.cniVersion, ...(prevResult !== undefined && { prevResult }) };
  } catch (err) {
    if (!(err instanceof CniError)) throw err;
    throw new CniError(err.code, `failed to parse network config: ${err.message}`, err.details, { cause: err });
  }
}
