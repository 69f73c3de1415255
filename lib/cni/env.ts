// The CNI_* environment, read and validated the way the reference skel does.
import { ifnameProblem } from '../net/ifname.ts';
import type { AttachmentRef } from './attachment.ts';
import { CniError, Code, invalidEnv } from './errors.ts';

export const COMMANDS = ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS', 'VERSION'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CmdEnv extends AttachmentRef {
  readonly command: string;
  readonly netns: string;
  readonly args: string;
  readonly path: string;
  readonly netnsOverride: string;
}

type Field = Exclude<keyof CmdEnv, 'command'>;
interface VarSpec {
  readonly name: string;
  readonly field: Field | 'command';
  readonly requiredFor: readonly string[];
  readonly validate?: (value: string) => CniError | undefined;
}

// Names, order and requirements follow the reference skel: missing variables are reported
// together in this order, and a present but invalid one fails at once.
const VARS: readonly VarSpec[] = [
  { name: 'CNI_COMMAND', field: 'command', requiredFor: COMMANDS },
  { name: 'CNI_CONTAINERID', field: 'containerID', requiredFor: ['ADD', 'CHECK', 'DEL'], validate: validateContainerId },
  { name: 'CNI_NETNS', field: 'netns', requiredFor: ['ADD', 'CHECK'] },
  { name: 'CNI_IFNAME', field: 'ifname', requiredFor: ['ADD', 'CHECK', 'DEL'], validate: validateIfname },
  { name: 'CNI_ARGS', field: 'args', requiredFor: [] },
  { name: 'CNI_PATH', field: 'path', requiredFor: ['ADD', 'CHECK', 'DEL', 'GC', 'STATUS'] },
  { name: 'CNI_NETNS_OVERRIDE', field: 'netnsOverride', requiredFor: [] },
];

export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function validateContainerId(id: string): CniError | undefined {
  if (id === '') return new CniError(Code.UnknownContainer, 'missing containerID');
  if (!NAME_PATTERN.test(id)) return invalidEnv('invalid characters in containerID', id);
  return undefined;
}

export function validateIfname(name: string): CniError | undefined {
  const problem = ifnameProblem(name);
  return problem && invalidEnv(problem.message, problem.details);
}

export function validateNetworkName(name: string): CniError | undefined {
  if (name === '') return new CniError(Code.InvalidNetworkConfig, 'missing network name');
  if (!NAME_PATTERN.test(name)) return new CniError(Code.InvalidNetworkConfig, 'invalid characters found in network name', name);
  return undefined;
}

/** Reads the CNI_* variables; throws the reference's code-4 errors. */
export function readCmdEnv(env: Readonly<Record<string, string | undefined>>): CmdEnv {
  const command = env.CNI_COMMAND ?? '';
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const v of VARS) {
    const value = env[v.name] ?? '';
    values[v.field] = value;
    const required = v.requiredFor.includes(command) || v.name === 'CNI_COMMAND';
    if (value === '') {
      if (required) missing.push(v.name);
    } else if (required && v.validate) {
      const err = v.validate(value);
      if (err) throw err;
    }
  }
  if (missing.length > 0) throw invalidEnv(`required env variables [${missing.join(',')}] missing`);
  return values as unknown as CmdEnv;
}

/** CNI_PATH split like Go's filepath.SplitList: empty string means no entries. */
export const splitPath = (path: string): string[] => (path === '' ? [] : path.split(':'));
