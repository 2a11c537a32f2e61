export type Row = Record<string, string | number>;

function cell(value: string | number): string {
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

/** Renders rows as a Markdown table (pasteable into BENCHMARKS.md). Columns follow the first row's keys. */
export function formatTable(rows: readonly Row[]): string {
  const first = rows[0];
  if (!first) return "";
  const columns = Object.keys(first);
  const body = rows.map((row) => columns.map((c) => cell(row[c] ?? "")));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((s, i) => s.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
