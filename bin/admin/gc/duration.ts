// Durations on the command line, as Go's time.ParseDuration writes them (Kubernetes users know
// that form): one or more <number><unit>, units ms, s, m, h; e.g. 90s, 5m, 1h30m.

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, option: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/gy)];
  if (text === '' || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`${option}: want a duration such as 90s, 5m or 1h30m, got ${JSON.stringify(text)}`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/** A duration for a log line: 4m12s, 850ms, 2h3m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
