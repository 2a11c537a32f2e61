import { getOrCreate } from "./map-util.js";
import { dedupe, scoreRanking } from "./measures/compute.js";
import { type Measure, MeasureError, toMeasure } from "./measures/measure.js";
import { exactMean } from "./stats/exact-mean.js";
import type { XorAnswers } from "./xor/evaluate.js";
import { rktHits, spanAnswers, tokenBudget } from "./xor/rkt.js";
import { TokenCache } from "./xor/token-cache.js";

/** TREC qrels: query id → document id → relevance grade. */
export type Qrels = ReadonlyMap<string, ReadonlyMap<string, number>>;
/** A run: query id → document ids in rank order (best first). */
export type Run = ReadonlyMap<string, readonly string[]>;
/** A run as a plain object, as ir_measures, ranx and pytrec_eval take it: query id → document id → score. */
export type RunObject = Readonly<Record<string, Readonly<Record<string, number>>>>;
/** What an evaluator scores: a ranked `Run`, or a `RunObject` (ordered like trec_eval, see `runFromObject`). */
export type RunInput = Run | RunObject;

/** Options of `createEvaluator`. */
export interface EvaluatorOptions {
  /**
   * Qrels measures: score every judged query, a query the run lacks scoring 0 (trec_eval `-c`; the default),
   * or only the judged queries the run contains (`false`, trec_eval without `-c`). R@kt never counts a query
   * the run lacks, as the official XOR-TyDi script.
   */
  readonly complete?: boolean;
}

/** What queries are judged against: qrels for R@k/P/MRR/nDCG/MAP, answer strings and passage text for R@kt. */
export interface Judgments {
  qrels?: Qrels;
  /** XOR-TyDi answers (with `lang`); needed for R@kt. */
  answers?: Iterable<XorAnswers>;
  /** Passage text by docid; needed for R@kt. */
  passageText?: (docid: string) => string | undefined;
  /** Query language, for per-language results (answers' `lang` is used when given). */
  languages?: ReadonlyMap<string, string>;
  /** Token cache shared across evaluators (NLTK English word_tokenize by default). */
  tokenCache?: TokenCache;
}

export interface QueryScore {
  readonly queryId: string;
  /** Canonical measure string (`nDCG@10`). */
  readonly measure: string;
  readonly value: number;
}

/** Evaluates any number of runs against fixed judgments (ir_measures' evaluator, ranx's evaluate). */
export interface Evaluator {
  readonly measures: readonly Measure[];
  /** Judged queries for a measure, in judgment order; a run missing one of them scores 0 on it. */
  judgedQueries(measure: Measure | string): readonly string[];
  languageOf(queryId: string): string | undefined;
  /** Languages of the judged queries, in order of first appearance. */
  readonly languages: readonly string[];
  /** Whether queries the run lacks score 0 on qrels measures (trec_eval `-c`); see `EvaluatorOptions`. */
  readonly complete: boolean;
  /** measure string → query id → value, for every judged (and, unless `complete`, retrieved) query. */
  scores(run: RunInput): Map<string, Map<string, number>>;
  perQuery(run: RunInput): QueryScore[];
  /** Mean over judged queries per measure. */
  aggregate(run: RunInput): Map<string, number>;
  /**
   * language → measure → mean over that language's judged queries, plus `avg`: the macro average (without
   * languages, the mean over the judged queries).
   */
  aggregateByLanguage(run: RunInput): Map<string, Map<string, number>>;
}

/** Builds qrels from rows (e.g. a parsed TREC qrels file); a repeated (qid, docid) keeps the last grade. */
export function qrelsFromRows(rows: Iterable<{ qid: string; docid: string; rel: number }>): Qrels {
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    getOrCreate(out, r.qid, () => new Map<string, number>()).set(r.docid, r.rel);
  }
  return out;
}

/**
 * Builds a run from rows (a parsed TREC or Tevatron run). Like trec_eval, documents are ordered by score
 * (descending, ties by docid descending) and the rank column is ignored; without scores, by rank.
 */
export function runFromRows(
  rows: Iterable<{ qid: string; docid: string; rank?: number; score?: number }>,
): Run {
  const byQuery = new Map<string, Array<{ docid: string; rank?: number; score?: number }>>();
  for (const r of rows) {
    getOrCreate(byQuery, r.qid, () => []).push(r);
  }
  const out = new Map<string, string[]>();
  for (const [qid, list] of byQuery) {
    const byScore = list.every((r) => r.score !== undefined);
    const sorted = [...list].sort((a, b) =>
      byScore
        ? b.score! - a.score! || (a.docid < b.docid ? 1 : a.docid > b.docid ? -1 : 0)
        : (a.rank ?? 0) - (b.rank ?? 0),
    );
    out.set(
      qid,
      sorted.map((r) => r.docid),
    );
  }
  return out;
}

/**
 * Builds a run from `{ qid: { docid: score } }`, ordered as trec_eval orders a run file: score descending,
 * ties by docid descending.
 */
export function runFromObject(run: RunObject): Run {
  return runFromRows(
    Object.entries(run).flatMap(([qid, docs]) =>
      Object.entries(docs).map(([docid, score]) => ({ qid, docid, score })),
    ),
  );
}

/** A `Run` as is; a `RunObject` through `runFromObject`. */
export function toRun(run: RunInput): Run {
  return run instanceof Map ? (run as Run) : runFromObject(run as RunObject);
}

export function createEvaluator(
  judgments: Judgments | Qrels,
  measures: readonly (Measure | string)[],
  options: EvaluatorOptions = {},
): Evaluator {
  const complete = options.complete ?? true;
  const j: Judgments = judgments instanceof Map ? { qrels: judgments as Qrels } : (judgments as Judgments);
  const ms = measures.map(toMeasure);
  if (ms.length === 0) throw new MeasureError("no measures given");
  const keys = ms.map(String);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new MeasureError(`measure ${dup} is listed twice`);

  const langOf = new Map(j.languages ?? []);
  const span = new Map<string, string[]>();
  const needsAnswers = ms.some((m) => m.unit === "kt");
  if (needsAnswers) {
    if (!j.answers || !j.passageText) {
      throw new MeasureError("R@kt needs judgments with `answers` and `passageText`");
    }
    for (const a of j.answers) {
      if (!langOf.has(a.id)) langOf.set(a.id, a.lang);
      const s = spanAnswers(a.answers);
      if (s.length > 0) span.set(a.id, s);
    }
  }
  if (ms.some((m) => m.unit !== "kt") && !j.qrels) {
    throw new MeasureError(`${ms.find((m) => m.unit !== "kt")} needs qrels`);
  }
  const qrels: Qrels = j.qrels ?? new Map();
  const cache = j.tokenCache ?? new TokenCache();
  const passageText = j.passageText;
  const judged = (m: Measure): readonly string[] => (m.unit === "kt" ? [...span.keys()] : [...qrels.keys()]);
  const judgedLists = new Map(ms.map((m) => [String(m), judged(m)]));
  const languages = [...new Set([...judgedLists.values()].flat().map((q) => langOf.get(q)))].filter(
    (l): l is string => l !== undefined,
  );

  const textOf = (docid: string) => () => {
    const text = passageText!(docid);
    if (text === undefined) throw new Error(`no text for passage ${JSON.stringify(docid)}`);
    return text;
  };

  function scores(input: RunInput): Map<string, Map<string, number>> {
    const run = toRun(input);
    const out = new Map<string, Map<string, number>>();
    const kt = ms.filter((m) => m.unit === "kt");
    if (kt.length > 0) {
      const budgets = kt.map((m) => tokenBudget(m.cutoff!));
      const perMeasure = kt.map(() => new Map<string, number>());
      for (const [qid, answers] of span) {
        // A query the run lacks is not scored, as in the official script (`LanguageEvaluation.missing` counts them).
        const docids = run.get(qid);
        if (docids === undefined) continue;
        const passages = (function* () {
          for (const d of docids) {
            yield cache.get(d, textOf(d));
          }
        })();
        const hits = rktHits(answers, passages, budgets);
        hits.forEach((h, i) => {
          perMeasure[i]!.set(qid, h ? 1 : 0);
        });
      }
      kt.forEach((m, i) => {
        out.set(String(m), perMeasure[i]!);
      });
    }
    const deduped = new Map<string, string[]>();
    for (const m of ms) {
      if (m.unit === "kt") continue;
      const values = new Map<string, number>();
      for (const [qid, judgedDocs] of qrels) {
        if (!complete && !run.has(qid)) continue;
        const ranking = getOrCreate(deduped, qid, () => dedupe(run.get(qid) ?? []));
        values.set(qid, scoreRanking(m, ranking, judgedDocs));
      }
      out.set(String(m), values);
    }
    return new Map(keys.map((k) => [k, out.get(k)!]));
  }

  function aggregate(run: RunInput): Map<string, number> {
    return new Map(
      [...scores(run)].map(([k, v]) => [k, v.size === 0 ? Number.NaN : exactMean([...v.values()])]),
    );
  }

  function aggregateByLanguage(run: RunInput): Map<string, Map<string, number>> {
    const all = scores(run);
    const out = new Map<string, Map<string, number>>();
    for (const lang of languages) {
      out.set(
        lang,
        new Map(
          [...all].map(([k, v]) => {
            const xs = [...v].filter(([q]) => langOf.get(q) === lang).map(([, x]) => x);
            return [k, xs.length === 0 ? Number.NaN : exactMean(xs)];
          }),
        ),
      );
    }
    // without languages (queries without `lang`, or none given), `avg` is the mean over the judged queries
    out.set(
      "avg",
      languages.length === 0
        ? new Map([...all].map(([k, v]) => [k, v.size === 0 ? Number.NaN : exactMean([...v.values()])]))
        : new Map(
            keys.map((k) => {
              const xs = languages.map((l) => out.get(l)!.get(k)!).filter((x) => !Number.isNaN(x));
              return [k, exactMean(xs)];
            }),
          ),
    );
    return out;
  }

  return {
    measures: ms,
    complete,
    languages,
    judgedQueries: (m) => judgedLists.get(String(toMeasure(m))) ?? [],
    languageOf: (q) => langOf.get(q),
    scores,
    perQuery: (run) =>
      [...scores(run)].flatMap(([measure, v]) =>
        [...v].map(([queryId, value]) => ({ queryId, measure, value })),
      ),
    aggregate,
    aggregateByLanguage,
  };
}
