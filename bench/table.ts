// Plain-text tables for the benchmark's console output: columns padded, numeric columns right-aligned.

const NUMERIC = /^<?[-+]?[\d.,]+\s*(%|x|×|MiB|s)?$|^-$/;

/** `headers` and `rows` (cells as strings) → an aligned table with a rule under the header. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => NUMERIC.test(r[c] ?? '')));
  const line = (cells: string[]) => cells
    .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
    .join('  ')
    .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
