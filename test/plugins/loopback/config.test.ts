// loopback config: the NetConf fields decoded as Go does, prevResult read in the config's version,
// errors prefixed as the reference prefixes them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../../plugins/loopback/config.ts';
import { throwsCni } from '../../helpers/assert.ts';

const conf = (extra: object = {}): Record<string, unknown> => ({ cniVersion: '1.0.0', name: 'n', type: 'loopback', ...extra });

test('loadConfig: the version, no prevResult; unknown keys ignored, keys matched case-insensitively', () => {
  assert.equal(loadConfig(conf({ mtu: 'x', CNIVERSION: '1.0.0' })), { cniVersion: '1.0.0' });
});

test('loadConfig: prevResult is read as the config version and held as the current type', () => {
  const c = loadConfig(conf({ cniVersion: '0.2.0', prevResult: { ip4: { ip: '10.0.0.2/24', gateway: '10.0.0.1' } } }));
  assert.equal(c.prevResult?.ips, [{ address: '10.0.0.2/24', gateway: '10.0.0.1' }]);
});

test('loadConfig: a NetConf field of the wrong type is code 7 naming it', () => {
  throwsCni(() => loadConfig(conf({ type: 5 })), 7, /^failed to parse network config: .*"type"/);
  throwsCni(() => loadConfig(conf({ prevResult: 5 })), 7, /^failed to parse network config: .*"prevResult"/);
  throwsCni(() => loadConfig(conf({ capabilities: { portMappings: 'yes' } })), 7, /capabilities/);
  throwsCni(() => loadConfig(conf({ dns: { nameservers: 'x' } })), 7, /dns\.nameservers/);
});

test('loadConfig: a prevResult that is no result of the config version is refused', () => {
  throwsCni(() => loadConfig(conf({ prevResult: { ips: 5 } })), 6, /^failed to parse network config: could not parse prevResult/);
});

test.run();
