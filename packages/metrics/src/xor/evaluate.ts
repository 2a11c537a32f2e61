import { exactMean } from "../stats/exact-mean.js";
import { rktHits, spanAnswers, tokenBudget } from "./rkt.js";
import { TokenCache, type TokenizedPassage } from "./token-cache.js";

export interface XorAnswers {
  readonly id: string;
  readonly lang: string;
  readonly answers: readonly string[];
}

export interface XorQueryResult {
  readonly id: string;
  readonly lang: string;
  /** 1 or 0 per measure (`R@2kt`, ...). */
  readonly hits: Readonly<Record<string, 0 | 1>>;
}

/** R@kt per language and macro-averaged, as the official XOR-Retrieve script computes them. */
export interface XorEvaluation {
  /** Measure names, e.g. `["R@2kt", "R@5kt"]`. */
  readonly measures: readonly string[];
  /** Languages with at least one counted query, in order (first appearance unless given). */
  readonly languages: readonly string[];
  /** Counted queries per language (those with an answer other than "yes"/"no"). */
  readonly counts: Readonly<Record<string, number>>;
  /** measure → language → 100·hits/count, plus `avg` (macro average over languages). */
  readonly scores: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** One entry per counted query, in input order. */
  readonly perQuery: readonly XorQueryResult[];
  /**
   * Queries with span answers that the ranking does not contain, per language (every language seen, zeros
   * included): not counted, as the official script counts only the queries it has predictions for. Set by
   * `evaluateXor`; a submission (`evaluateXorSubmission`) names no language for a query it lacks.
   */
  readonly missing?: Readonly<Record<string, number>>;
}

export interface XorOptions {
  /** Tokenization cache to reuse across calls (e.g. several runs over the same corpus). */
  cache?: TokenCache;
  /** Word tokenizer for a new cache; NLTK English `wordTokenize` by default. */
  tokenize?: (text: string) => string[];
  /** Report these languages in this order; a query in another language is an error. */
  languages?: readonly string[];
}

export function rktMeasureName(k: number): string {
  return `R@${k}kt`;
}

/** Collects per-query hits into per-language scores; languages keep the order they are first seen. */
export class XorAccumulator {
  readonly #measures: string[];
  readonly #order: string[] = [];
  readonly #hits = new Map<string, number[]>();
  readonly #counts = new Map<string, number>();
  readonly #missing = new Map<string, number>();
  readonly #perQuery: XorQueryResult[] = [];

  constructor(measures: readonly string[], languages?: readonly string[]) {
    this.#measures = [...measures];
    for (const lang of languages ?? []) this.see(lang);
  }

  /** Registers a language (for ordering) without counting a query. */
  see(lang: string): void {
    if (this.#counts.has(lang)) return;
    this.#order.push(lang);
    this.#counts.set(lang, 0);
    this.#hits.set(
      lang,
      this.#measures.map(() => 0),
    );
  }

  /** Counts a query the ranking lacks (not scored). */
  miss(lang: string): void {
    this.see(lang);
    this.#missing.set(lang, (this.#missing.get(lang) ?? 0) + 1);
  }

  add(id: string, lang: string, hits: readonly boolean[]): void {
    this.see(lang);
    this.#counts.set(lang, this.#counts.get(lang)! + 1);
    const sums = this.#hits.get(lang)!;
    hits.forEach((h, i) => {
      if (h) sums[i]!++;
    });
    const record: Record<string, 0 | 1> = {};
    this.#measures.forEach((m, i) => {
      record[m] = hits[i] ? 1 : 0;
    });
    this.#perQuery.push({ id, lang, hits: record });
  }

  /** The result; with `withMissing`, `missing` per language seen (what `miss` counted). */
  result(withMissing = false): XorEvaluation {
    const languages = this.#order.filter((l) => this.#counts.get(l)! > 0);
    const counts = Object.fromEntries(languages.map((l) => [l, this.#counts.get(l)!]));
    const scores = Object.fromEntries(
      this.#measures.map((m, i) => {
        const perLang = languages.map((l) => (this.#hits.get(l)![i]! / this.#counts.get(l)!) * 100);
        const row: Record<string, number> = Object.fromEntries(languages.map((l, j) => [l, perLang[j]!]));
        row["avg"] = exactMean(perLang);
        return [m, row];
      }),
    );
    const result = { measures: this.#measures, languages, counts, scores, perQuery: this.#perQuery };
    if (!withMissing) return result;
    return { ...result, missing: Object.fromEntries(this.#order.map((l) => [l, this.#missing.get(l) ?? 0])) };
  }
}

/**
 * XOR-Retrieve R@kt for each k (default 2 and 5): for each query with span answers, whether an answer occurs in
 * the first k·1000 NLTK tokens of its ranked passages. A query absent from `ranking` is not counted (the
 * official script scores only the queries it has predictions for) and is reported in `missing`; one present
 * with no passages is a miss.
 */
export function evaluateXor(
  answers: Iterable<XorAnswers>,
  ranking: ReadonlyMap<string, readonly string[]>,
  passageText: (docid: string) => string | undefined,
  ks: readonly number[] = [2, 5],
  opts: XorOptions = {},
): XorEvaluation {
  const budgets = ks.map(tokenBudget);
  const cache = opts.cache ?? new TokenCache(opts.tokenize);
  const acc = new XorAccumulator(ks.map(rktMeasureName), opts.languages);
  const known = opts.languages ? new Set(opts.languages) : undefined;
  const seen = new Set<string>();
  for (const q of answers) {
    if (seen.has(q.id)) throw new Error(`query ${JSON.stringify(q.id)} appears twice in the answers`);
    seen.add(q.id);
    if (known && !known.has(q.lang)) {
      throw new Error(
        `query ${JSON.stringify(q.id)} has language ${JSON.stringify(q.lang)}, not one of ${[...known].join(", ")}`,
      );
    }
    const span = spanAnswers(q.answers);
    if (span.length === 0) continue;
    const docids = ranking.get(q.id);
    if (docids === undefined) acc.miss(q.lang);
    else acc.add(q.id, q.lang, rktHits(span, passagesOf(docids, passageText, cache), budgets));
  }
  return acc.result(true);
}

function* passagesOf(
  docids: readonly string[],
  passageText: (docid: string) => string | undefined,
  cache: TokenCache,
): Iterable<TokenizedPassage> {
  for (const docid of docids) {
    yield cache.get(docid, () => {
      const text = passageText(docid);
      if (text === undefined) throw new Error(`no text for passage ${JSON.stringify(docid)}`);
      return text;
    });
  }
}
