// Spec versions this suite speaks, and the gates the reference skel applies.

export const SUPPORTED_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export type SpecVersion = (typeof SUPPORTED_VERSIONS)[number];
export const CURRENT_VERSION: SpecVersion = '1.1.0';

/** A version is supported by exact string match, as the reference reconciles. */
export const isSupported = (v: string): v is SpecVersion => (SUPPORTED_VERSIONS as readonly string[]).includes(v);

/** Semver-ish comparison of dotted numeric versions; a missing part counts as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export const atLeast = (v: string, min: string): boolean => compareVersions(v, min) >= 0;

/** The result-type family a version belongs to: 0.1.0/0.2.0, 0.3.0..0.4.0, 1.x. */
export type Family = '020' | '040' | '100';
export function familyOf(v: SpecVersion): Family {
  if (v === '0.1.0' || v === '0.2.0') return '020';
  if (v === '1.0.0' || v === '1.1.0') return '100';
  return '040';
}
