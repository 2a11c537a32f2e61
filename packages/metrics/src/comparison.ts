import {
  CORRECTIONS,
  type Correction,
  SIGNIFICANCE_TESTS,
  type SignificanceTest,
} from "./stats/significance.js";

export interface ComparisonCell {
  /** Mean over the row's queries (0–1); a query the system's run lacks scores 0. */
  readonly mean: number;
  /**
   * 95% t-based confidence interval of the mean over the queries the system scores: mean ± t(0.975, n − 1)·s/√n;
   * for `avg`, the macro average ± t(0.975, N − L)·√(Σ s²/n)/L over the L languages' N queries. NaN bounds
   * under 2 queries.
   */
  readonly ci: readonly [number, number];
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

export interface ComparisonRow {
  /** A language, `avg` (macro average over languages; tested on all queries pooled), or `all`. */
  readonly group: string;
  /** Judged queries per measure in this row. */
  readonly queries: Readonly<Record<string, number>>;
  /** system → measure → cell. */
  readonly cells: Readonly<Record<string, Readonly<Record<string, ComparisonCell>>>>;
}

export interface ComparisonData {
  readonly baseline: string;
  readonly systems: readonly string[];
  readonly measures: readonly string[];
  readonly test: SignificanceTest;
  readonly correction: Correction;
  readonly maxP: number;
  readonly seed?: number;
  readonly rounds?: number;
  readonly rows: readonly ComparisonRow[];
}

/** How `Comparison.toMarkdown` prints scores. */
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

/** A comparison of runs against a baseline: the table a paper shows, as data (JSON) or Markdown (×100). */
export class Comparison {
  readonly data: ComparisonData;

  constructor(data: ComparisonData) {
    this.data = data;
  }

  toJSON(): ComparisonData {
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
