// Everything under a directory as a comparable value: each path with its type, mode, mtime and
// content (or link target), to prove an operation wrote nothing.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export function treeSnapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = lstatSync(path, { bigint: true });
      const what = st.isSymbolicLink() ? `-> ${readlinkSync(path)}` : st.isDirectory() ? 'dir' : JSON.stringify(readFileSync(path, 'utf8'));
      out[relative(root, path)] = `${(st.mode & 0o7777n).toString(8)} ${st.mtimeNs} ${what}`;
      if (st.isDirectory()) walk(path);
    }
  };
  walk(root);
  return out;
}
