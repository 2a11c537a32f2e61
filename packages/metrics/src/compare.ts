import type { Evaluator, Run } from "./evaluator.js";
import { exactMean } from "./stats/exact-mean.js";
import { holm, pairedTTest, permutationTest, type TestResult } from "./stats/tests.js";

/** Paired significance tests by name. */
export const SIGNIFICANCE_TESTS = {
  t: { label: "paired t-test", run: (a: number[], b: number[]) => pairedTTest(a, b) },
  permutation: {
    label: "paired permutation test",
    run: (a: number[], b: number[], o: { seed: number; rounds: number }) => permutationTest(a, b, o),
  },
} as const;
export type SignificanceTest = keyof typeof SIGNIFICANCE_TESTS;

/** Multiple-comparison corrections by name (over the systems compared with the baseline). */
export const CORRECTIONS = {
  holm: { label: "Holm-corrected", adjust: holm },
  none: { label: "uncorrected", adjust: (p: readonly number[]) => [...p] },
} as const;
export type Correction = keyof typeof CORRECTIONS;

export interface CompareOptions {
  /** Name of the baseline run (default: the first). */
  baseline?: string;
  /** Default "t" (paired two-sided t-test). */
  test?: SignificanceTest;
  /** Significance level (default 0.05); not called alpha, which is the fusion weight in xqg. */
  maxP?: number;
  /** Default "holm". */
  correction?: Correction;
  /** Permutation test seed (default 42) and rounds (default 10,000). */
  seed?: number;
  rounds?: number;
  /** One row per language plus the macro average (default: when the evaluator knows languages). */
  byLanguage?: boolean;
}

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
          const mark = c.significant ? (c.mean > base ? "†" : "‡") : "";
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

/**
 * Evaluates every run with the evaluator and tests each against the baseline per language row and overall.
 * Judged queries missing from a run score 0, so every test is paired over the same queries.
 */
export function compare(
  evaluator: Evaluator,
  runs: ReadonlyMap<string, Run> | Readonly<Record<string, Run>>,
  opts: CompareOptions = {},
): Report {
  const entries = runs instanceof Map ? [...runs] : Object.entries(runs as Record<string, Run>);
  if (entries.length === 0) throw new Error("compare needs at least one run");
  const systems = entries.map(([name]) => name);
  const { test = "t", maxP = 0.05, correction = "holm", seed = 42, rounds = 10_000 } = opts;
  if (!(test in SIGNIFICANCE_TESTS)) {
    throw new Error(
      `unknown test ${JSON.stringify(test)}; known: ${Object.keys(SIGNIFICANCE_TESTS).join(", ")}`,
    );
  }
  if (!(correction in CORRECTIONS)) {
    throw new Error(
      `unknown correction ${JSON.stringify(correction)}; known: ${Object.keys(CORRECTIONS).join(", ")}`,
    );
  }
  const baseline = opts.baseline ?? systems[0]!;
  if (!systems.includes(baseline))
    throw new Error(`baseline ${JSON.stringify(baseline)} is not among the runs: ${systems.join(", ")}`);
  const measures = evaluator.measures.map(String);
  const scores = new Map(entries.map(([name, run]) => [name, evaluator.scores(run)]));
  const byLanguage = opts.byLanguage ?? evaluator.languages.length > 0;
  const languages = byLanguage ? evaluator.languages : [];
  const others = systems.filter((s) => s !== baseline);
  const runTest = (a: number[], b: number[]): TestResult =>
    test === "t"
      ? SIGNIFICANCE_TESTS.t.run(a, b)
      : SIGNIFICANCE_TESTS.permutation.run(a, b, { seed, rounds });

  const makeRow = (
    group: string,
    queriesOf: (m: string) => string[],
    meanOf?: (s: string, m: string) => number,
  ): ReportRow => {
    const cells: Record<string, Record<string, ReportCell>> = Object.fromEntries(systems.map((s) => [s, {}]));
    const queries: Record<string, number> = {};
    for (const m of measures) {
      const qids = queriesOf(m);
      queries[m] = qids.length;
      const values = (s: string) => qids.map((q) => scores.get(s)!.get(m)!.get(q) ?? 0);
      const mean = (s: string) => meanOf?.(s, m) ?? (qids.length === 0 ? Number.NaN : exactMean(values(s)));
      cells[baseline]![m] = { mean: mean(baseline) };
      const base = values(baseline);
      const p = others.map((s) => runTest(values(s), base).pValue);
      const adjusted = CORRECTIONS[correction].adjust(p);
      others.forEach((s, i) => {
        const mine = values(s);
        const wins = mine.filter((x, j) => x > base[j]!).length;
        const losses = mine.filter((x, j) => x < base[j]!).length;
        cells[s]![m] = {
          mean: mean(s),
          pValue: p[i]!,
          pAdjusted: adjusted[i]!,
          significant: adjusted[i]! < maxP,
          wins,
          ties: qids.length - wins - losses,
          losses,
        };
      });
    }
    return { group, queries, cells };
  };

  const judged = (m: string) => [...evaluator.judgedQueries(m)];
  const rows = languages.map((lang) =>
    makeRow(lang, (m) => judged(m).filter((q) => evaluator.languageOf(q) === lang)),
  );
  if (languages.length > 0) {
    rows.push(
      makeRow("avg", judged, (s, m) =>
        exactMean(rows.map((r) => r.cells[s]![m]!.mean).filter((x) => !Number.isNaN(x))),
      ),
    );
  } else {
    rows.push(makeRow("all", judged));
  }
  return new Report({
    baseline,
    systems,
    measures,
    test,
    correction,
    maxP,
    ...(test === "permutation" ? { seed, rounds } : {}),
    rows,
  });
}
