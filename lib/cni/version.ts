// Spec versions this suite speaks, and the gates the reference skel applies.

export const SUPPORTED_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export type SpecVersion = (typeof SUPPORTED_VERSIONS)[number];
export const CURRENT_VERSION: SpecVersion = '1.1.0';

/** A version is supported by exact string match, as the reference reconciles. */
export const isSupported = (v: string): v is SpecVersion => (SUPPORTED_VERSIONS as readonly string[]).includes(v);

const PART_NAMES = ['major', 'minor', 'micro'] as const;

/** Go's version.ParseVersion: up to three integer parts, missing parts are 0, "" means 0.1.0. */
export function parseVersion(v: string): [number, number, number] {
  if (v === '') return [0, 1, 0];
  const parts = v.split('.');
  if (parts.length >= 4) throw new Error(`invalid version ${JSON.stringify(v)}: too many parts`);
  const out: [number, number, number] = [0, 0, 0];
  parts.forEach((p, i) => {
    if (!/^[+-]?\d+$/.test(p)) {
      const q = JSON.stringify(p);
      throw new Error(`failed to convert ${PART_NAMES[i]} version part ${q}: strconv.Atoi: parsing ${q}: invalid syntax`);
    }
    out[i] = Number(p);
  });
  return out;
}

/** Orders two versions by their parsed parts; throws on a malformed version. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return Math.sign(pa[i]! - pb[i]!);
  return 0;
}

export const atLeast = (v: string, min: string): boolean => compareVersions(v, min) >= 0;

/** The result format a version writes: 0.1.0/0.2.0, 0.3.0..0.4.0, 1.x. */
export type ResultFormat = '020' | '040' | '100';
export function resultFormatOf(v: SpecVersion): ResultFormat {
  if (v === '0.1.0' || v === '0.2.0') return '020';
  if (v === '1.0.0' || v === '1.1.0') return '100';
  return '040';
}
