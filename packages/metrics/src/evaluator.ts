import { checkOptions, checkRecord, type LongCallOptions, type Run, rankedDocids } from "@xqg/core";
import { MetricsError } from "./errors.js";
import { getOrCreate } from "./map-util.js";
import { judgedRanks, scoreJudged } from "./measures/compute.js";
import { type Measure, parseMeasure } from "./measures/measure.js";
import { exactMean } from "./stats/exact-mean.js";
import { type RktTokenizer, rktTokenizer } from "./tokenize/rkt-tokenizers.js";
import { rktHits, spanAnswers, tokenBudget } from "./xor/rkt.js";
import { TokenCache } from "./xor/token-cache.js";

/** TREC qrels: query id → document id → relevance grade. */
export type Qrels = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** One relevance judgement, as @xqg/corpus' `readQrels` yields it (ir_measures' names). */
export interface QrelsRow {
  readonly qid: string;
  readonly docid: string;
  readonly relevance: number;
}

/** A query of the judgments: its language (per-language results) and, for R@kt, its answer strings. */
export interface JudgedQuery {
  readonly id: string;
  readonly lang?: string | undefined;
  /** XOR-TyDi answers; needed for R@kt ("yes" and "no" are not looked for). */
  readonly answers?: readonly string[] | undefined;
}

/** What runs are judged against: qrels for R@k/P/MRR/nDCG/MAP; queries' answers and passage text for R@kt. */
export interface Judgments {
  /** Qrels rows `{ qid, docid, relevance }` (e.g. @xqg/corpus' `readQrels`), or qrels as a Map. */
  readonly qrels?: Qrels | Iterable<QrelsRow> | undefined;
  /**
   * The queries, in file order: per-query results follow this order, languages come from `lang`, R@kt looks for
   * `answers`.
   */
  readonly queries?: Iterable<JudgedQuery> | undefined;
  /** Passage text by docid; needed for R@kt. */
  readonly passageText?: ((docid: string) => string | undefined) | undefined;
  /** How R@kt tokenises passages (default `"nltk"`, the official scoring; see `RKT_TOKENIZERS`). */
  readonly tokenizer?: RktTokenizer | undefined;
  /** A folder with NLTK's punkt_tab English files, for the `nltk` tokenizer (default: $NLTK_DATA, ~/nltk_data, …). */
  readonly nltkData?: string | undefined;
  /** Language rows in this order (others after them, in order of first appearance). */
  readonly languageOrder?: readonly string[] | undefined;
  /**
   * Qrels measures: score every judged query, a query the run lacks scoring 0 (trec_eval `-c`; the default),
   * or only the judged queries the run contains (`false`, trec_eval without `-c`). R@kt never counts a query
   * the run lacks, as the official XOR-TyDi script.
   */
  readonly complete?: boolean | undefined;
}

/** One run's scores per language and per query (0–1): what `xqg evaluate` writes and `compare` reads. */
export interface Evaluation {
  /** Canonical measure strings (`R@2kt`, `nDCG@10`). */
  readonly measures: readonly string[];
  readonly languages: readonly string[];
  /** Judged queries per language (for R@kt: those with an answer other than yes/no) that the run scores. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * Judged queries per language that the run does not contain: R@kt leaves them out (as the official script
   * does), qrels measures score them 0 (unless `complete: false`). Every language, zeros included; absent from
   * evaluations written before it was added.
   */
  readonly missing?: Readonly<Record<string, number>>;
  /**
   * How many queries the judgments judge (for any measure), the run ranks, are evaluated (judged and ranked) and
   * are judged but missing from the run; absent from evaluations written before it was added.
   */
  readonly queries?: Readonly<QueryCounts>;
  /** measure → language (and `avg`, the macro average over languages) → mean over the judged queries. */
  readonly scores: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** One entry per judged query, in the queries' order: measure → value. */
  readonly perQuery: ReadonlyArray<{ id: string; lang: string; values: Readonly<Record<string, number>> }>;
  /** How R@kt tokenised the passages. */
  readonly tokenizer: RktTokenizer;
}

/** The query counts of an {@link Evaluation}. */
export interface QueryCounts {
  /** Queries the judgments judge (qrels or, for R@kt, answers other than yes/no). */
  readonly judged: number;
  /** Queries the run ranks. */
  readonly run: number;
  /** Judged queries the run ranks. */
  readonly evaluated: number;
  /** Judged queries the run lacks (scored 0 by qrels measures with `complete`, left out otherwise). */
  readonly missing: number;
}

/** Evaluates any number of runs against fixed judgments (ir_measures' evaluator, ranx's evaluate). */
export interface Evaluator {
  /** Canonical measure strings, in the order given. */
  readonly measures: readonly string[];
  /** Languages of the judged queries, in the evaluation's order. */
  readonly languages: readonly string[];
  /**
   * Scores `run` (query id → docid → score; ordered as trec_eval orders a run: score descending, ties by docid
   * descending): per query, per language and macro-averaged. Reports `{ unit: "rows", task: "evaluate" }`
   * progress in queries evaluated; `signal` cancels between batches.
   */
  evaluate(run: Run, options?: LongCallOptions): Promise<Evaluation>;
}

/** Queries evaluated between two progress events (and abort checks). */
export const EVALUATE_BATCH = 256;

const JUDGMENT_KEYS = [
  "qrels",
  "queries",
  "passageText",
  "tokenizer",
  "nltkData",
  "languageOrder",
  "complete",
] as const;

/**
 * An evaluator of `measures` (`"nDCG@10"`, `"R@2kt"`, …; see `parseMeasure`) bound to `judgments`; passages are
 * tokenised once across the runs it evaluates.
 */
export function createEvaluator(judgments: Judgments, measures: readonly (Measure | string)[]): Evaluator {
  return createEvaluatorWith(judgments, measures);
}

/** `createEvaluator` with a word tokenizer of the caller's (tests: no Punkt data needed). */
export function createEvaluatorWith(
  judgments: Judgments,
  measures: readonly (Measure | string)[],
  tokenize?: (text: string) => string[],
): Evaluator {
  checkOptions(judgments, JUDGMENT_KEYS, "createEvaluator");
  const j = judgments ?? {};
  if (!Array.isArray(measures)) {
    throw new MetricsError("createEvaluator: measures must be an array of measure strings", {
      code: "bad-measure",
      field: "measures",
    });
  }
  const ms = measures.map((m) => (typeof m === "string" ? parseMeasure(m) : m));
  if (ms.length === 0)
    throw new MetricsError("no measures given", { code: "bad-measure", field: "measures" });
  const keys = ms.map(String);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup)
    throw new MetricsError(`measure ${dup} is listed twice`, { code: "bad-measure", field: "measures" });
  const complete = j.complete ?? true;
  const tokenizerName = j.tokenizer ?? "nltk";

  const langOf = new Map<string, string>();
  const queryOrder: string[] = [];
  const span = new Map<string, string[]>();
  const kt = ms.filter((m) => m.unit === "kt");
  const qrelsMeasures = ms.filter((m) => m.unit !== "kt");
  let first = true;
  for (const q of j.queries ?? []) {
    if (first)
      checkRecord(q, kt.length > 0 ? { id: "string", answers: "array" } : { id: "string" }, "queries");
    first = false;
    queryOrder.push(q.id);
    if (q.lang !== undefined && !langOf.has(q.id)) langOf.set(q.id, q.lang);
    if (kt.length > 0) {
      const s = spanAnswers(q.answers ?? []);
      if (s.length > 0) span.set(q.id, s);
    }
  }
  if (kt.length > 0 && (j.queries === undefined || j.passageText === undefined)) {
    throw new MetricsError(`${kt[0]} needs judgments with \`queries\` (with answers) and \`passageText\``, {
      code: "missing-judgments",
      field: j.queries === undefined ? "queries" : "passageText",
    });
  }
  if (qrelsMeasures.length > 0 && j.qrels === undefined) {
    throw new MetricsError(`${qrelsMeasures[0]} needs qrels`, { code: "missing-judgments", field: "qrels" });
  }
  const qrels = toQrels(j.qrels);
  // Punkt is loaded only when R@kt is asked
  const cache =
    kt.length > 0 ? new TokenCache(tokenize ?? rktTokenizer(tokenizerName, nltkPath(j))) : undefined;
  const passageText = j.passageText;

  const judgedIds = [
    ...new Set([...(kt.length > 0 ? span.keys() : []), ...(qrelsMeasures.length > 0 ? qrels.keys() : [])]),
  ];
  const order = j.languageOrder ?? [];
  const rank = (lang: string): number => (order.includes(lang) ? order.indexOf(lang) : order.length);
  // first appearance over the measures' judged queries, in the measures' order
  const judgedInMeasureOrder = ms.flatMap((m) => (m.unit === "kt" ? [...span.keys()] : [...qrels.keys()]));
  const languages = [...new Set(judgedInMeasureOrder.map((q) => langOf.get(q)))]
    .filter((l): l is string => l !== undefined)
    .sort((a, b) => rank(a) - rank(b));

  const textOf = (docid: string) => () => {
    const text = passageText!(docid);
    if (text === undefined)
      throw new MetricsError(`no text for passage ${JSON.stringify(docid)}`, {
        code: "missing-passage",
        field: "passageText",
      });
    return text;
  };
  const budgets = kt.map((m) => tokenBudget(m.cutoff!));

  /** measure string → query id → value; each measure's queries in judgment order. */
  async function scores(run: Run, options: LongCallOptions): Promise<Map<string, Map<string, number>>> {
    const { onProgress, signal } = options;
    signal?.throwIfAborted();
    const ktValues = kt.map(() => new Map<string, number>());
    const qrelsValues = qrelsMeasures.map(() => new Map<string, number>());
    const total = judgedIds.length;
    for (let start = 0; start < total; start += EVALUATE_BATCH) {
      const end = Math.min(total, start + EVALUATE_BATCH);
      for (let i = start; i < end; i++) {
        const qid = judgedIds[i]!;
        const scored = run.get(qid);
        const answers = span.get(qid);
        // A query the run lacks is not scored by R@kt, as in the official script (`Evaluation.missing` counts them).
        if (answers !== undefined && scored !== undefined) {
          const passages = (function* () {
            for (const d of rankedDocids(scored)) yield cache!.get(d, textOf(d));
          })();
          rktHits(answers, passages, budgets).forEach((h, k) => {
            ktValues[k]!.set(qid, h ? 1 : 0);
          });
        }
        const judgedDocs = qrels.get(qid);
        if (judgedDocs !== undefined && qrelsMeasures.length > 0 && (complete || scored !== undefined)) {
          // only the judged documents' ranks matter (a Run's docids are unique per query: a Map)
          const ranks = scored === undefined ? [] : judgedRanks(scored, judgedDocs);
          qrelsMeasures.forEach((m, k) => {
            qrelsValues[k]!.set(qid, scoreJudged(m, ranks, judgedDocs));
          });
        }
      }
      onProgress?.({ unit: "rows", task: "evaluate", done: end, total });
      if (end < total) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        signal?.throwIfAborted();
      }
    }
    const out = new Map<string, Map<string, number>>();
    // each measure's queries in judgment order: answers' order for R@kt, the qrels' for the others
    kt.forEach((m, k) => {
      const v = ktValues[k]!;
      out.set(String(m), new Map([...span.keys()].filter((q) => v.has(q)).map((q) => [q, v.get(q)!])));
    });
    qrelsMeasures.forEach((m, k) => {
      const v = qrelsValues[k]!;
      out.set(String(m), new Map([...qrels.keys()].filter((q) => v.has(q)).map((q) => [q, v.get(q)!])));
    });
    return new Map(keys.map((key) => [key, out.get(key)!]));
  }

  async function evaluate(run: Run, options: LongCallOptions = {}): Promise<Evaluation> {
    checkOptions(options, ["onProgress", "signal"], "evaluate");
    if (!(run instanceof Map)) {
      throw new MetricsError(
        "evaluate: the run must be a Map of query id → Map of docid → score (@xqg/core's Run)",
        { code: "invalid-run", field: "run" },
      );
    }
    const all = await scores(run, options);
    const perQuery = new Map<string, { id: string; lang: string; values: Record<string, number> }>();
    for (const id of queryOrder)
      if (!perQuery.has(id)) perQuery.set(id, { id, lang: langOf.get(id) ?? "", values: {} });
    for (const [measure, values] of all) {
      for (const [qid, value] of values) {
        const entry = getOrCreate(perQuery, qid, () => ({
          id: qid,
          lang: langOf.get(qid) ?? "",
          values: {} as Record<string, number>,
        }));
        entry.values[measure] = value;
      }
    }
    const judged = [...perQuery.values()].filter((q) => Object.keys(q.values).length > 0);
    const counts: Record<string, number> = {};
    for (const lang of languages) counts[lang] = judged.filter((q) => q.lang === lang).length;
    const missing: Record<string, number> = Object.fromEntries(languages.map((lang) => [lang, 0]));
    for (const qid of judgedIds) {
      const lang = langOf.get(qid);
      if (!run.has(qid) && lang !== undefined && lang in missing) missing[lang]!++;
    }
    const byLang = aggregateByLanguage(all);
    let evaluated = 0;
    for (const qid of judgedIds) if (run.has(qid)) evaluated++;
    return {
      measures: keys,
      languages,
      counts,
      missing,
      queries: { judged: judgedIds.length, run: run.size, evaluated, missing: judgedIds.length - evaluated },
      scores: Object.fromEntries(
        keys.map((m) => [
          m,
          Object.fromEntries([...languages, "avg"].map((lang) => [lang, byLang.get(lang)!.get(m)!])),
        ]),
      ),
      perQuery: judged,
      tokenizer: tokenizerName,
    };
  }

  /** language → measure → mean over that language's judged queries, plus `avg` (the macro average). */
  function aggregateByLanguage(all: Map<string, Map<string, number>>): Map<string, Map<string, number>> {
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

  return { measures: keys, languages, evaluate };
}

function nltkPath(j: Judgments): { path?: string } {
  return j.nltkData === undefined ? {} : { path: j.nltkData };
}

/** Qrels from rows `{ qid, docid, relevance }` (a repeated pair keeps the last grade), or the Map as given. */
function toQrels(input: Judgments["qrels"]): Qrels {
  if (input === undefined) return new Map();
  if (input instanceof Map) return input as Qrels;
  const out = new Map<string, Map<string, number>>();
  let first = true;
  for (const r of input as Iterable<QrelsRow>) {
    if (first) checkRecord(r, { qid: "string", docid: "string", relevance: "number" }, "qrels");
    first = false;
    getOrCreate(out, r.qid, () => new Map<string, number>()).set(r.docid, r.relevance);
  }
  return out;
}
