// The kernel's rule for an interface name (dev_valid_name), checked before a name reaches netlink
// and when a runtime passes CNI_IFNAME. The wording is the reference skel's, which users see.

const MAX_IFNAME_BYTES = 15;

export interface IfnameProblem {
  readonly message: string;
  readonly details: string;
}

/** What makes `name` unusable as an interface name; undefined when it is fine. */
export function ifnameProblem(name: string): IfnameProblem | undefined {
  if (name.length === 0) return { message: 'interface name is empty', details: '' };
  if (Buffer.byteLength(name) > MAX_IFNAME_BYTES) {
    return { message: 'interface name is too long', details: `interface name should be less than ${MAX_IFNAME_BYTES + 1} characters` };
  }
  if (name === '.' || name === '..') return { message: 'interface name is . or ..', details: '' };
  if (/[/:\s]/u.test(name)) return { message: 'interface name contains / or : or whitespace characters', details: '' };
  return undefined;
}
