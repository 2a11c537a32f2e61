import type { Fields } from "../read/fields.js";

/**
 * Splits a TSV line the way Python's csv module (delimiter "\t") writes it, as in DPR's psgs_w100.tsv:
 * a field may be wrapped in double quotes, with "" standing for one quote inside.
 */
export function splitQuotedTsv(line: string, fields: Fields): string[] {
  if (!line.includes('"')) return line.split("\t");
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = "";
      let from = i + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote < 0)
          throw fields.error(
            `unterminated quoted field in column ${out.length + 1}`,
            undefined,
            "bad-columns",
          );
        value += line.slice(from, quote);
        if (line.charCodeAt(quote + 1) === 34) {
          value += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      out.push(value);
      if (i === line.length) return out;
      if (line.charCodeAt(i) !== 9) {
        throw fields.error(`text after the closing quote in column ${out.length}`, undefined, "bad-columns");
      }
      i++;
    } else {
      const tab = line.indexOf("\t", i);
      if (tab < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, tab));
      i = tab + 1;
    }
  }
}

/** Quotes a field as Python's csv module would (only when it holds a tab or a quote). */
export function quoteTsv(value: string): string {
  return value.includes('"') || value.includes("\t") ? `"${value.replaceAll('"', '""')}"` : value;
}
