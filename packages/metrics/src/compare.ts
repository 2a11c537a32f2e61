import { checkOptions } from "@xqg/core";
import { Comparison, type ComparisonCell, type ComparisonRow } from "./comparison.js";
import { MetricsError } from "./errors.js";
import type { Evaluation } from "./evaluator.js";
import { meanConfidenceInterval, studentTQuantile } from "./stats/confidence.js";
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

/** How systems are tested against the baseline (unset: `SIGNIFICANCE_DEFAULTS`). */
export interface CompareOptions {
  /** Name of the baseline (default: the first). */
  baseline?: string | undefined;
  /** Default "t" (paired two-sided t-test); see SIGNIFICANCE_TESTS. */
  test?: SignificanceTest | undefined;
  /** Significance level (default 0.05); not called alpha, which is the fusion weight in xqg. */
  maxP?: number | undefined;
  /** Default "none" (the paper's); "holm" corrects over the systems compared with the baseline. */
  correction?: Correction | undefined;
  /** Permutation test seed (default 42) and rounds (default 10,000). */
  seed?: number | undefined;
  rounds?: number | undefined;
  /**
   * One row per language (the baseline evaluation's languages, in its order) plus `avg`, the macro average
   * (default: when the evaluations have languages); else one row, `all`.
   */
  byLanguage?: boolean | undefined;
}

const COMPARE_KEYS = ["baseline", "test", "maxP", "correction", "seed", "rounds", "byLanguage"] as const;

/**
 * Compares evaluations (of `evaluator.evaluate`, or read back from `xqg evaluate`'s JSON) against the baseline,
 * per language row and overall, with a paired test per cell. Measures are the baseline's, in its order; every
 * system must score the same measures over the same queries (evaluations of runs over different query sets, e.g.
 * one evaluated on 10 of the baseline's 20 queries, are refused with the counts: a paired test needs pairs).
 */
export function compare(
  systems: ReadonlyMap<string, Evaluation> | Readonly<Record<string, Evaluation>>,
  options: CompareOptions = {},
): Comparison {
  checkOptions(options, COMPARE_KEYS, "compare");
  const entries =
    systems instanceof Map ? [...systems] : Object.entries(systems as Record<string, Evaluation>);
  if (entries.length === 0) throw comparisonError("compare needs at least one system", "systems");
  const names = entries.map(([name]) => name);
  const baseline = options.baseline ?? names[0]!;
  if (!names.includes(baseline))
    throw comparisonError(
      `baseline ${JSON.stringify(baseline)} is not among the systems compared: ${names.join(", ")}`,
      "baseline",
    );
  const evaluations = new Map(entries);
  const languageOf = new Map<string, string>();
  for (const [, e] of entries) for (const q of e.perQuery) if (q.lang !== "") languageOf.set(q.id, q.lang);
  const languages = evaluations.get(baseline)!.languages;
  const byLanguage = options.byLanguage ?? languages.length > 0;
  const scores = new Map(entries.map(([name, e]) => [name, scoresOf(e)]));
  for (const m of evaluations.get(baseline)!.measures) {
    const own = scores.get(baseline)!.get(m)!;
    for (const [name, s] of scores) {
      const theirs = s.get(m);
      if (theirs === undefined) continue; // compareScores names the measure
      if (name === baseline) continue;
      const lacking = [...own.keys()].filter((q) => !theirs.has(q)).length;
      const extra = [...theirs.keys()].filter((q) => !own.has(q)).length;
      if (lacking > 0 || extra > 0) {
        const shared = own.size - lacking;
        throw comparisonError(
          `${name} scores ${m} on ${theirs.size} queries and the baseline ${baseline} on ${own.size} (${shared} in common): systems are compared over the same queries; evaluate both runs against the same judgments (a query a run lacks scores 0 with complete: true, trec_eval -c)`,
          "queries",
        );
      }
    }
  }
  return compareScores(scores, byLanguage ? { ...options, languageOf, languages } : options);
}

/** An evaluation's per-query values: measure → query id → value. */
export function scoresOf(evaluation: Evaluation): SystemScores {
  const { measures, perQuery } = evaluation;
  return new Map(
    measures.map((m) => [
      m,
      new Map(perQuery.flatMap((q) => (q.values[m] === undefined ? [] : [[q.id, q.values[m]] as const]))),
    ]),
  );
}

function comparisonError(reason: string, field: string): MetricsError {
  return new MetricsError(reason, { code: "bad-comparison", field });
}

/** The comparison from per-query scores; `languageOf` and `languages` give the language rows. */
export function compareScores(
  systems: ReadonlyMap<string, SystemScores> | Readonly<Record<string, SystemScores>>,
  opts: CompareOptions & { languageOf?: ReadonlyMap<string, string>; languages?: readonly string[] } = {},
): Comparison {
  const entries =
    systems instanceof Map ? [...systems] : Object.entries(systems as Record<string, SystemScores>);
  if (entries.length === 0) throw comparisonError("compare needs at least one system", "systems");
  const names = entries.map(([name]) => name);
  const { test, maxP, correction, seed, rounds } = { ...SIGNIFICANCE_DEFAULTS, ...definedOnly(opts) };
  if (!(test in SIGNIFICANCE_TESTS)) {
    throw comparisonError(
      `unknown test ${JSON.stringify(test)}; known: ${Object.keys(SIGNIFICANCE_TESTS).join(", ")}`,
      "test",
    );
  }
  if (!(correction in CORRECTIONS)) {
    throw comparisonError(
      `unknown correction ${JSON.stringify(correction)}; known: ${Object.keys(CORRECTIONS).join(", ")}`,
      "correction",
    );
  }
  for (const [field, value] of Object.entries({ maxP, seed, rounds }))
    if (typeof value !== "number" || Number.isNaN(value))
      throw comparisonError(`${field} must be a number, got ${JSON.stringify(value)}`, field);
  const baseline = opts.baseline ?? names[0]!;
  if (!names.includes(baseline))
    throw comparisonError(
      `baseline ${JSON.stringify(baseline)} is not among the systems compared: ${names.join(", ")}`,
      "baseline",
    );
  const scores = new Map(entries);
  const measures = [...scores.get(baseline)!.keys()];
  for (const [name, s] of entries) {
    const extra = [...s.keys()].find((m) => !measures.includes(m));
    const missing = measures.find((m) => !s.has(m));
    if (extra !== undefined || missing !== undefined) {
      throw comparisonError(
        extra !== undefined
          ? `${name} scores ${extra}, which the baseline ${baseline} does not`
          : `${name} does not score ${missing}, which the baseline ${baseline} does`,
        "measures",
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
  // the values a system itself scores (no zeros for queries it lacks), for the confidence intervals
  const ownValues = (s: string, m: string, keep: (q: string) => boolean): number[] =>
    [...scores.get(s)!.get(m)!].filter(([q]) => keep(q)).map(([, v]) => v);

  const makeRow = (
    group: string,
    keep: (q: string) => boolean,
    meanOf?: (s: string, m: string) => number,
    ciOf?: (s: string, m: string) => readonly [number, number],
  ): ComparisonRow => {
    const cells: Record<string, Record<string, ComparisonCell>> = Object.fromEntries(
      names.map((s) => [s, {}]),
    );
    const queries: Record<string, number> = {};
    for (const m of measures) {
      const qids = queriesOf.get(m)!.filter(keep);
      queries[m] = qids.length;
      const values = (s: string) => {
        const v = scores.get(s)!.get(m)!;
        return qids.map((q) => v.get(q) ?? 0);
      };
      const mean = (s: string) => meanOf?.(s, m) ?? (qids.length === 0 ? Number.NaN : exactMean(values(s)));
      const ci = (s: string): readonly [number, number] => {
        if (ciOf) return ciOf(s, m);
        const c = meanConfidenceInterval(ownValues(s, m, keep));
        return [c.low, c.high];
      };
      cells[baseline]![m] = { mean: mean(baseline), ci: ci(baseline) };
      const base = values(baseline);
      const p = others.map((s) => runTest(values(s), base).pValue);
      const adjusted = CORRECTIONS[correction].adjust(p);
      others.forEach((s, i) => {
        const mine = values(s);
        const wins = mine.filter((x, j) => x > base[j]!).length;
        const losses = mine.filter((x, j) => x < base[j]!).length;
        cells[s]![m] = {
          mean: mean(s),
          ci: ci(s),
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
        (s, m) => macroInterval(languages.map((lang) => ownValues(s, m, (q) => languageOf!.get(q) === lang))),
      ),
    );
  } else {
    rows.push(makeRow("all", () => true));
  }
  return new Comparison({
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

/**
 * The 95% t-based interval of a macro average over languages (one array of per-query values each): the mean
 * of the language means ± t(0.975, N − L)·√(Σ s²/n)/L over the L languages with queries and their N queries.
 */
function macroInterval(perLanguage: readonly (readonly number[])[]): readonly [number, number] {
  let variance = 0;
  let n = 0;
  let sum = 0;
  let counted = 0;
  for (const xs of perLanguage) {
    const ci = meanConfidenceInterval(xs);
    if (xs.length > 0) {
      counted++;
      sum += ci.mean;
      n += xs.length;
      if (xs.length > 1) {
        const ss = xs.reduce((a, x) => a + (x - ci.mean) ** 2, 0) / (xs.length - 1);
        variance += ss / xs.length;
      }
    }
  }
  if (counted === 0 || n - counted < 1) return [Number.NaN, Number.NaN];
  const mean = sum / counted;
  const half = (studentTQuantile(0.95, n - counted) * Math.sqrt(variance)) / counted;
  return [mean - half, mean + half];
}

/** The options a caller set; an explicit `undefined` falls back to the default like an absent key. */
function definedOnly<T extends object>(opts: T): Partial<T> {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as Partial<T>;
}
