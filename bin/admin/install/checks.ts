// The install options that end up in the conflist, refused here with the option's name rather
// than by a plugin at the first pod ADD.
import { isAbsolute } from 'node:path';
import { NAME_PATTERN } from '../../../lib/cni/env.ts';
import { ifnameProblem } from '../../../lib/net/ifname.ts';

/** An integer option within [min, max]; throws naming the option and the text. */
export function integerOption(text: string, option: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new Error(`${option} "${text}" is not an integer from ${min} to ${max}`);
  return n;
}

/** A network name libcni accepts. */
export function networkName(text: string): string {
  if (!NAME_PATTERN.test(text)) throw new Error(`--network "${text}" is not a valid network name (letters, digits, "_", "." and "-", starting with a letter or digit)`);
  return text;
}

/** A bridge name the kernel accepts. */
export function bridgeName(text: string): string {
  const problem = ifnameProblem(text);
  if (problem !== undefined) throw new Error(`--bridge "${text}": ${problem.message}`);
  return text;
}

/** host-local's dataDir: absolute, since a plugin's working directory is the runtime's. */
export function dataDir(text: string): string {
  if (!isAbsolute(text)) throw new Error(`--data-dir "${text}" is not an absolute path`);
  return text;
}
