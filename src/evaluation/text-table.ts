/**
 * A plain-text table for a terminal: columns as wide as their widest cell, two spaces apart, the
 * first `textColumns` left-aligned (names), the rest right-aligned (numbers).
 */
export function formatTextTable(
  header: readonly string[],
  rows: readonly string[][],
  textColumns: number,
): string {
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c < textColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
