// Whose file sits at each path install writes: ours (install or `make install` put it there),
// another project's (refused without --force, left alone by uninstall), or nothing.
import { lstatSync, readlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isOurConflist } from './conflist.ts';

export const EXECUTABLE = 'cni-ts';
/** The native code's directory beside the executable (lib/native/load.ts looks there). */
export const NATIVE_DIR = '.cni-ts';

export type Owner = 'ours' | 'foreign' | 'absent';

/** What lstat and readlink found at a path, as data. */
export type Found =
  | { readonly kind: 'absent' }
  | { readonly kind: 'symlink'; readonly target: string }
  | { readonly kind: 'file' }
  | { readonly kind: 'dir' }
  | { readonly kind: 'other' };

export function inspect(path: string): Found {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw err;
  }
  if (st.isSymbolicLink()) return { kind: 'symlink', target: readlinkSync(path) };
  if (st.isDirectory()) return { kind: 'dir' };
  return st.isFile() ? { kind: 'file' } : { kind: 'other' };
}

/** A plugin link is ours when it points at the executable beside it, however the target is
 *  spelt (`cni-ts`, `./cni-ts`, an absolute path); a regular file there (Debian's Go `bridge`)
 *  or a link elsewhere is another project's. */
export function pluginOwner(binDir: string, found: Found): Owner {
  if (found.kind === 'absent') return 'absent';
  if (found.kind !== 'symlink') return 'foreign';
  return resolve(binDir, found.target) === resolve(binDir, EXECUTABLE) ? 'ours' : 'foreign';
}

/** `cni-ts` and the files in `.cni-ts/` carry our name: ours whenever they are regular files. */
export function namedOwner(found: Found): Owner {
  if (found.kind === 'absent') return 'absent';
  return found.kind === 'file' ? 'ours' : 'foreign';
}

/** The conflist is ours when it carries install's marker (`text` undefined: no file). */
export function conflistOwner(text: string | undefined): Owner {
  if (text === undefined) return 'absent';
  return isOurConflist(text) ? 'ours' : 'foreign';
}


export const nativePath = (binDir: string, file: string): string => join(binDir, NATIVE_DIR, basename(file));
