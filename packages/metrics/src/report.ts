import {
  CORRECTIONS,
  type Correction,
  SIGNIFICANCE_TESTS,
  type SignificanceTest,
} from "./stats/significance.js";

export interface ReportCell {
  readonly mean: number;
  /** Versus the baseline (absent for the baseline itself). */
  readonly pValue?: number;
  readonly pAdjusted?: number;
  /** Significant at maxP after correction; direction from `mean` against the baseline's. */
  readonly significant?: boolean;
  /** Queries where this system scores higher / the same / lower than the baseline. */
  readonly wins?: number;
  readonly ties?: number;
  readonly losses?: number;
}

export interface ReportRow {
  /** A language, `avg` (macro average over languages; tested on all queries pooled), or `all`. */
  readonly group: string;
  /** Judged queries per measure in this row. */
  readonly queries: Readonly<Record<string, number>>;
  /** system → measure → cell. */
  readonly cells: Readonly<Record<string, Readonly<Record<string, ReportCell>>>>;
}

export interface ReportData {
  readonly baseline: string;
  readonly systems: readonly string[];
  readonly measures: readonly string[];
  readonly test: SignificanceTest;
  readonly correction: Correction;
  readonly maxP: number;
  readonly seed?: number;
  readonly rounds?: number;
  readonly rows: readonly ReportRow[];
}

export interface MarkdownOptions {
  /** Multiply means by this (default 100: percentages, as papers print R@kt). */
  scale?: number;
  /** Decimals (default 1). */
  digits?: number;
}

/**
 * The marker every xqg table puts after a score: † significantly higher than the baseline, ‡ significantly
 * lower, "" otherwise. (A significant difference never has equal means: the paired tests give p = 1 there.)
 */
export function significanceMark(significant: boolean, mean: number, baselineMean: number): "†" | "‡" | "" {
  if (!significant) return "";
  return mean > baselineMean ? "†" : "‡";
}

/** A comparison of runs: the table a paper shows, as data, Markdown or JSON. */
export class Report {
  readonly data: ReportData;

  constructor(data: ReportData) {
    this.data = data;
  }

  toJSON(): ReportData {
    return this.data;
  }

  /** Rows = languages (+ avg), columns = measure × system; † / ‡ mark significantly higher / lower than the baseline. */
  toMarkdown(opts: MarkdownOptions = {}): string {
    const { scale = 100, digits = 1 } = opts;
    const d = this.data;
    const header = ["", ...d.measures.flatMap((m) => d.systems.map((s) => `${m} ${s}`))];
    const lines = [
      `| ${header.join(" | ")} |`,
      `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ];
    for (const row of d.rows) {
      const cells = d.measures.flatMap((m) =>
        d.systems.map((s) => {
          const c = row.cells[s]![m]!;
          const base = row.cells[d.baseline]![m]!.mean;
          const mark = significanceMark(c.significant === true, c.mean, base);
          return Number.isNaN(c.mean) ? "–" : `${(c.mean * scale).toFixed(digits)}${mark}`;
        }),
      );
      lines.push(`| ${[row.group, ...cells].join(" | ")} |`);
    }
    const test = SIGNIFICANCE_TESTS[d.test].label;
    lines.push(
      "",
      `† / ‡: significantly higher / lower than ${d.baseline} (${test}, ${CORRECTIONS[d.correction].label} p < ${d.maxP}).`,
    );
    return lines.join("\n");
  }
}
