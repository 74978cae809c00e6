/** Compact text copies for agents: aligned tables cost fewer tokens than pretty JSON and read as well. */

export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))))];
  const widths = headers.map((_, col) => Math.min(60, Math.max(...cells.map((row) => (row[col] ?? '').length))));
  return cells
    .map((row) =>
      row
        .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const list = (values: readonly string[]): string => (values.length === 0 ? '-' : values.join(', '));
