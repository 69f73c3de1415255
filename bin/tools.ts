// Command-line tools for people carried by the same executable: linked in dist/bin, never
// installed into a CNI bin dir, and not plugin names.
export const TOOLS: Readonly<Record<string, () => Promise<unknown>>> = {
  cnitool: () => import('./cnitool.ts'),
  'cni-conformance': () => import('./cni-conformance.ts'),
};
