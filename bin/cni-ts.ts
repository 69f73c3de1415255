// cni-ts invoked by its own name: the admin command for people and for the node's DaemonSet
// (install, uninstall, gc, status, doctor; bin/admin/cli.ts declares them).
import { CommanderError } from 'commander';
import { adminProgram } from './admin/cli.ts';

adminProgram()
  .parseAsync(process.argv.slice(2), { from: 'user' })
  .catch((err: unknown) => {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`cni-ts: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
