// The common fields alone, as a config spec: what a plugin that declares no keys of its own would
// decode. Only the tests need it; each plugin spreads the common schema into its own.
import type { ConfigSpec } from '../../lib/config/decode.ts';
import { validate } from '../../lib/config/schemas/netconf.generated.ts';
import { netConfSchema, type NetConf } from '../../lib/config/schemas/netconf.ts';

export const netConfSpec: ConfigSpec<NetConf> = { schema: netConfSchema, validate };
export type { NetConf } from '../../lib/config/schemas/netconf.ts';
