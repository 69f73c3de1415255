// The admin command line: --version names the suite, the runtime and the spec versions; every
// subcommand declares the options the issue and the DaemonSet use, without loading its code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adminProgram, versionText } from '../../../bin/admin/cli.ts';
import { SUPPORTED_VERSIONS } from '../../../lib/cni/version.ts';

test('versionText: the suite version, the runtime and every spec version', () => {
  const lines = versionText().split('\n');
  assert.match(lines[0]!, /^cni-ts \d+\.\d+\.\d+$/);
  assert.match(lines[1]!, /^runtime: (Bun|Node\.js) \d/);
  assert.is(lines[2], `CNI spec versions: ${SUPPORTED_VERSIONS.join(', ')}`);
});

test('adminProgram: install, uninstall and gc with their options', () => {
  const program = adminProgram();
  const options = (name: string): string[] => program.commands.find((c) => c.name() === name)!.options.map((o) => o.long!);
  assert.equal(
    options('install'),
    ['--bin-dir', '--conf-dir', '--pod-cidr', '--node-name', '--kubeconfig', '--timeout', '--network', '--bridge', '--mtu', '--no-portmap', '--cni-version', '--data-dir', '--force'],
  );
  assert.equal(options('uninstall'), ['--bin-dir', '--conf-dir']);
  assert.equal(options('gc'), ['--cri-endpoint', '--conf-dir', '--cache-dir', '--bin-dir', '--interval', '--network', '--grace', '--cri-timeout', '--host-root']);
});

test.run();
