// Reading one field of a JSON object the way Go's encoding/json fills a struct field: keys match
// case-insensitively, the last matching key wins, and null leaves the field unset.
export function goField(obj: unknown, name: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const lower = name.toLowerCase();
  let value: unknown;
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower && v !== null) value = v;
  return value;
}
