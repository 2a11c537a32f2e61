import { Report, type ReportCell, type ReportRow } from "./report.js";
import { exactMean } from "./stats/exact-mean.js";
import {
  CORRECTIONS,
  type Correction,
  SIGNIFICANCE_DEFAULTS,
  SIGNIFICANCE_TESTS,
  type SignificanceTest,
} from "./stats/significance.js";
import type { TestResult } from "./stats/tests.js";

/** One system's per-query values: measure string → query id → value. */
export type SystemScores = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** How systems are tested against the baseline (shared by `compare` and `compareScores`). */
export interface SignificanceOptions {
  /** Name of the baseline (default: the first). */
  baseline?: string;
  /** Default "t" (paired two-sided t-test); see SIGNIFICANCE_DEFAULTS. */
  test?: SignificanceTest;
  /** Significance level (default 0.05); not called alpha, which is the fusion weight in xqg. */
  maxP?: number;
  /** Default "none" (the paper's); "holm" corrects over the systems compared with the baseline. */
  correction?: Correction;
  /** Permutation test seed (default 42) and rounds (default 10,000). */
  seed?: number;
  rounds?: number;
}

export interface CompareScoresOptions extends SignificanceOptions {
  /** Query id → language: one row per language plus `avg` (the macro average); without it one row, `all`. */
  languageOf?: ReadonlyMap<string, string>;
  /** The language rows, in order (default: the languages of the scored queries in order of first appearance). */
  languages?: readonly string[];
}

/**
 * The comparison table from per-query scores (e.g. read back from evaluation files), tested against the
 * baseline per language row and overall. Measures are the baseline's, in its order; every system must score
 * the same measures. The queries of a measure are those any system scores, in order of first appearance
 * (baseline first); a query missing from a system scores 0 there (as `compare` scores a judged query that a
 * run left out), so every test is paired over the same queries.
 */
export function compareScores(
  systems: ReadonlyMap<string, SystemScores> | Readonly<Record<string, SystemScores>>,
  opts: CompareScoresOptions = {},
): Report {
  const entries =
    systems instanceof Map ? [...systems] : Object.entries(systems as Record<string, SystemScores>);
  if (entries.length === 0) throw new Error("compareScores needs at least one system");
  const names = entries.map(([name]) => name);
  const { test, maxP, correction, seed, rounds } = { ...SIGNIFICANCE_DEFAULTS, ...definedOnly(opts) };
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
  const baseline = opts.baseline ?? names[0]!;
  if (!names.includes(baseline))
    throw new Error(
      `baseline ${JSON.stringify(baseline)} is not among the runs compared: ${names.join(", ")}`,
    );
  const scores = new Map(entries);
  const measures = [...scores.get(baseline)!.keys()];
  for (const [name, s] of entries) {
    const extra = [...s.keys()].find((m) => !measures.includes(m));
    const missing = measures.find((m) => !s.has(m));
    if (extra !== undefined || missing !== undefined) {
      throw new Error(
        extra !== undefined
          ? `${name} scores ${extra}, which the baseline ${baseline} does not`
          : `${name} does not score ${missing}, which the baseline ${baseline} does`,
      );
    }
  }
  const ordered = [scores.get(baseline)!, ...entries.filter(([n]) => n !== baseline).map(([, s]) => s)];
  const queriesOf = new Map(
    measures.map((m) => [m, [...new Set(ordered.flatMap((s) => [...s.get(m)!.keys()]))]]),
  );
  const { languageOf } = opts;
  const languages =
    languageOf === undefined
      ? []
      : (opts.languages ??
        [...new Set([...queriesOf.values()].flat().map((q) => languageOf.get(q)))].filter(
          (l): l is string => l !== undefined,
        ));
  const others = names.filter((s) => s !== baseline);
  const runTest = (a: number[], b: number[]): TestResult =>
    test === "t"
      ? SIGNIFICANCE_TESTS.t.run(a, b)
      : SIGNIFICANCE_TESTS.permutation.run(a, b, { seed, rounds });

  const makeRow = (
    group: string,
    keep: (q: string) => boolean,
    meanOf?: (s: string, m: string) => number,
  ): ReportRow => {
    const cells: Record<string, Record<string, ReportCell>> = Object.fromEntries(names.map((s) => [s, {}]));
    const queries: Record<string, number> = {};
    for (const m of measures) {
      const qids = queriesOf.get(m)!.filter(keep);
      queries[m] = qids.length;
      const values = (s: string) => {
        const v = scores.get(s)!.get(m)!;
        return qids.map((q) => v.get(q) ?? 0);
      };
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

  const rows = languages.map((lang) => makeRow(lang, (q) => languageOf!.get(q) === lang));
  if (languages.length > 0) {
    rows.push(
      makeRow(
        "avg",
        () => true,
        (s, m) => exactMean(rows.map((r) => r.cells[s]![m]!.mean).filter((x) => !Number.isNaN(x))),
      ),
    );
  } else {
    rows.push(makeRow("all", () => true));
  }
  return new Report({
    baseline,
    systems: names,
    measures,
    test,
    correction,
    maxP,
    ...(test === "permutation" ? { seed, rounds } : {}),
    rows,
  });
}

/** The options a caller set; an explicit `undefined` falls back to the default like an absent key. */
function definedOnly<T extends object>(opts: T): Partial<T> {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as Partial<T>;
}
