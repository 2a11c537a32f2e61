import { type Evaluator, type RunInput, toRun } from "./evaluator.js";
import type { RktTokenizer } from "./tokenize/rkt-tokenizers.js";

/** One run's scores per language and per query: what `xqg evaluate` writes and a comparison report reads. */
export interface LanguageEvaluation {
  /** Canonical measure strings (`R@2kt`, `nDCG@10`). */
  readonly measures: readonly string[];
  readonly languages: readonly string[];
  /** Judged queries per language (for R@kt: those with an answer other than yes/no) that the run scores. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * Judged queries per language that the run does not contain: R@kt leaves them out (as the official script
   * does), qrels measures score them 0 (unless the evaluator was built with `complete: false`). Every language, zeros included; absent from evaluations written before
   * it was added.
   */
  readonly missing?: Readonly<Record<string, number>>;
  /** measure → language (and `avg`, the macro average over languages) → mean over the judged queries. */
  readonly scores: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** One entry per judged query, in the queries' order: measure → value. */
  readonly perQuery: ReadonlyArray<{ id: string; lang: string; values: Readonly<Record<string, number>> }>;
  /** How R@kt tokenised the passages. */
  readonly tokenizer: RktTokenizer;
}

export interface ByLanguageOptions {
  /** The queries in file order, with their language: per-query entries follow this order. */
  readonly queries: ReadonlyArray<{ id: string; lang: string }>;
  /** Language rows in this order (others after them, in order of first appearance). */
  readonly languageOrder?: readonly string[];
  readonly tokenizer: RktTokenizer;
}

/** Scores `run` with `evaluator` per language and per query (one pass), ready to write as JSON. */
export function evaluateByLanguage(
  evaluator: Evaluator,
  input: RunInput,
  opts: ByLanguageOptions,
): LanguageEvaluation {
  const run = toRun(input);
  const measures = evaluator.measures.map(String);
  const order = opts.languageOrder ?? [];
  const rank = (lang: string): number => (order.includes(lang) ? order.indexOf(lang) : order.length);
  const languages = [...evaluator.languages].sort((a, b) => rank(a) - rank(b));
  const byLang = evaluator.aggregateByLanguage(run);
  const perQuery = new Map<string, { id: string; lang: string; values: Record<string, number> }>();
  for (const q of opts.queries) perQuery.set(q.id, { id: q.id, lang: q.lang, values: {} });
  for (const [measure, values] of evaluator.scores(run)) {
    for (const [qid, value] of values) {
      const entry = perQuery.get(qid) ?? { id: qid, lang: evaluator.languageOf(qid) ?? "", values: {} };
      perQuery.set(qid, entry);
      entry.values[measure] = value;
    }
  }
  const judged = [...perQuery.values()].filter((q) => Object.keys(q.values).length > 0);
  const counts: Record<string, number> = {};
  for (const lang of languages) counts[lang] = judged.filter((q) => q.lang === lang).length;
  const missing: Record<string, number> = Object.fromEntries(languages.map((lang) => [lang, 0]));
  const judgedIds = new Set(evaluator.measures.flatMap((m) => evaluator.judgedQueries(m)));
  for (const qid of judgedIds) {
    const lang = evaluator.languageOf(qid);
    if (!run.has(qid) && lang !== undefined && lang in missing) missing[lang]!++;
  }
  return {
    measures,
    languages,
    counts,
    missing,
    scores: Object.fromEntries(
      measures.map((m) => [
        m,
        Object.fromEntries([...languages, "avg"].map((lang) => [lang, byLang.get(lang)!.get(m)!])),
      ]),
    ),
    perQuery: judged,
    tokenizer: opts.tokenizer,
  };
}
