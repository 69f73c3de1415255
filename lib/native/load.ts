// Finds and loads the native addon that ships beside the executable (setns, flock, netlink
// socket). The plugins run as root, so a .node file that someone else could have replaced is
// refused rather than loaded.
import { realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSingleExecutable } from './executable.ts';

export type AddonName = 'native';

const loaded = new Map<string, unknown>();

/** The directory holding `<name>.node`: `.cni-ts/` beside the real executable in a single
 *  executable, `dist/bin/.cni-ts/` of the repository when run from source. */
export function addonDir(): string {
  if (isSingleExecutable()) return join(dirname(realpathSync(process.execPath)), '.cni-ts');
  return sourceAddonDir();
}

// Only reached outside the SEA. In the CommonJS bundle esbuild leaves import.meta empty, so a
// bundle run by plain node falls back to the directory of the script it was started with.
function sourceAddonDir(): string {
  const url: unknown = import.meta.url;
  if (typeof url === 'string') return fileURLToPath(new URL('../../dist/bin/.cni-ts', url));
  return join(dirname(realpathSync(process.argv[1] ?? '.')), '.cni-ts');
}

export function loadAddon(name: AddonName): unknown {
  let addon = loaded.get(name);
  if (addon === undefined) {
    addon = loadAddonFile(join(addonDir(), `${name}.node`));
    loaded.set(name, addon);
  }
  return addon;
}

/** Loads one .node file after checking that only root (or our own user) can change it. */
export function loadAddonFile(file: string): unknown {
  let real: string;
  try {
    real = realpathSync(file);
  } catch (err) {
    throw new Error(`cannot load native addon ${file}: ${(err as Error).message} (is it built? see "make native")`, { cause: err });
  }
  assertTrusted(dirname(real), 'directory');
  assertTrusted(real, 'file');
  const module = { exports: {} };
  process.dlopen(module, real);
  return module.exports;
}

function assertTrusted(path: string, what: 'file' | 'directory'): void {
  const st = statSync(path);
  const euid = process.geteuid?.() ?? 0;
  const refuse = (why: string): never => {
    throw new Error(`refusing to load native addon: ${what} ${path} ${why}`);
  };
  if (what === 'file' ? !st.isFile() : !st.isDirectory()) refuse(`is not a ${what}`);
  if (st.uid !== 0 && st.uid !== euid) refuse(`is owned by uid ${st.uid}, not by root or uid ${euid}`);
  if ((st.mode & 0o022) !== 0) refuse(`is group- or world-writable (mode ${(st.mode & 0o7777).toString(8)})`);
}
