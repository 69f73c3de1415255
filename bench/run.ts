// `make bench`: every benchmark, against the reference plugins when Debian's are installed.
import { resolve } from 'node:path';
import { benchHostLocal } from './host-local.ts';
import { benchBridge } from './bridge.ts';
import { benchStartup } from './startup.ts';
import { benchPortmap } from './portmap.ts';

const root = resolve(import.meta.dirname, '..');
const binDir = resolve(root, 'dist/bin');
benchStartup(binDir, process.execPath);
benchHostLocal(resolve(binDir, 'host-local'));
await benchBridge(binDir, '/usr/lib/cni');
benchPortmap(binDir, '/usr/lib/cni');
