// cnitool: drives CNI plugins the way a container runtime does (see bin/cnitool/cli.ts).
// From source `node bin/cnitool.ts <args>`; inside the single executable argv[1] is the invoked
// name, so the arguments start at argv[2] either way.
import { runCnitool } from './cnitool/cli.ts';

runCnitool(process.argv.slice(2), {
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
}).then((code) => {
  process.exitCode = code;
});
