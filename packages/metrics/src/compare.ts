import { compareScores, type SignificanceOptions, type SystemScores } from "./compare-scores.js";
import type { Evaluator, Run } from "./evaluator.js";
import type { Report } from "./report.js";

export interface CompareOptions extends SignificanceOptions {
  /** One row per language plus the macro average (default: when the evaluator knows languages). */
  byLanguage?: boolean;
}

/**
 * Evaluates every run with the evaluator and tests each against the baseline per language row and overall
 * (`compareScores` on the runs' per-query scores). Judged queries missing from a run score 0, so every test is
 * paired over the same queries.
 */
export function compare(
  evaluator: Evaluator,
  runs: ReadonlyMap<string, Run> | Readonly<Record<string, Run>>,
  opts: CompareOptions = {},
): Report {
  const entries = runs instanceof Map ? [...runs] : Object.entries(runs as Record<string, Run>);
  if (entries.length === 0) throw new Error("compare needs at least one run");
  const { byLanguage = evaluator.languages.length > 0, ...significance } = opts;
  const measures = evaluator.measures.map(String);
  const judged = new Map(measures.map((m) => [m, evaluator.judgedQueries(m)]));
  // every judged query, in judgment order, so the pairing and its order do not depend on the evaluator's maps
  const scoresOf = (run: Run): SystemScores => {
    const all = evaluator.scores(run);
    return new Map(
      measures.map((m) => [m, new Map(judged.get(m)!.map((q) => [q, all.get(m)?.get(q) ?? 0]))]),
    );
  };
  const languageOf = new Map<string, string>();
  for (const q of [...judged.values()].flat()) {
    const lang = evaluator.languageOf(q);
    if (lang !== undefined) languageOf.set(q, lang);
  }
  return compareScores(
    new Map(entries.map(([name, run]) => [name, scoresOf(run)])),
    byLanguage ? { ...significance, languageOf, languages: evaluator.languages } : significance,
  );
}
