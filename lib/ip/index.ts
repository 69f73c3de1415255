// Address and prefix math with Go's net package rules; see the modules for each rule.
export type { Family, IPAddr, IPPrefix, IPWithPrefix } from './types.ts';
export { bitsOf } from './types.ts';
export { parseIP } from './parse.ts';
export { formatIP } from './format.ts';
export {
  contains,
  firstAddress,
  formatIPWithPrefix,
  formatPrefix,
  hasHostBits,
  ipFamilyOfCIDR,
  lastAddress,
  overlaps,
  parseCIDR,
  parseIPWithPrefix,
  prefixOf,
} from './cidr.ts';
export { addToIP, compareIP, ipEqual, ipRange, nextIP, prevIP } from './arith.ts';
export { parseMAC } from './mac.ts';
