// Command-line tools for people carried by the same executable: linked in dist/bin (`cni-ts`,
// the admin command, is the executable's own name), never installed into a CNI bin dir, and not
// plugin names.
export const TOOLS: Readonly<Record<string, () => Promise<unknown>>> = {
  'cni-ts': () => import('./cni-ts.ts'),
  cnitool: () => import('./cnitool.ts'),
  'cni-conformance': () => import('./cni-conformance.ts'),
};
