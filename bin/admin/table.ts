// Terminal output of the admin commands: aligned columns, and colour only on a terminal and
// never when NO_COLOR is set (no-color.org).
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow';

const CODES: Record<Style, number> = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33 };

export const colourWanted = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean => stream.isTTY === true && !env.NO_COLOR;

export type Paint = (style: Style, text: string) => string;

export const painter = (colour: boolean): Paint => (colour ? (style, text) => `\x1b[${CODES[style]}m${text}\x1b[0m` : (_style, text) => text);

/** Cells may be painted: their width is that of the text without escape sequences. */
const width = (cell: string): number => cell.replace(/\x1b\[\d+m/g, '').length;

/** Rows as lines with each column padded to its widest cell (the last one unpadded). */
export function columns(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell)))).join('  ').trimEnd());
}
