// The official XOR-Retrieve scoring of a submission file, for `xqg-eval-xor`: the same walk, the same numbers.

import { readFileSync } from "node:fs";
import { readXorSubmissionSync, type XorSubmissionEntry } from "@xqg/core";
import { MetricsError, type MetricsErrorCode } from "../errors.js";
import { exactMean } from "../stats/exact-mean.js";
import { rktHits, spanAnswers, tokenBudget } from "./rkt.js";
import { TokenCache } from "./token-cache.js";

/** R@kt of a submission per language, as hit counts: `scores` (0–1) and `percentages` (the script's) derive from them. */
export interface XorSubmissionResult {
  /** Measure names, e.g. `["R@2kt", "R@5kt"]`. */
  readonly measures: readonly string[];
  /** Languages with at least one counted query, in order of first appearance. */
  readonly languages: readonly string[];
  /** Counted queries per language (those with an answer other than "yes"/"no"). */
  readonly counts: Readonly<Record<string, number>>;
  /** measure → language → queries whose answer was found. */
  readonly hits: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export function rktMeasureName(k: number): string {
  return `R@${k}kt`;
}

/**
 * Scores a submission exactly as the official `eval_xor_retrieve.py`: it walks the predictions (language from
 * each prediction), skips ids absent from the answers, and counts each prediction with span answers; every
 * passage text of `ctxs` is read, repeats included.
 */
export function evaluateXorSubmission(
  answers: ReadonlyMap<string, readonly string[]>,
  predictions: Iterable<XorSubmissionEntry>,
  ks: readonly number[] = [2, 5],
  opts: { cache?: TokenCache; tokenize?: (text: string) => string[] } = {},
): XorSubmissionResult {
  const budgets = ks.map(tokenBudget);
  const measures = ks.map(rktMeasureName);
  const cache = opts.cache ?? new TokenCache(opts.tokenize);
  const order: string[] = [];
  const counts = new Map<string, number>();
  const hits = new Map<string, number[]>();
  for (const p of predictions) {
    if (!counts.has(p.lang)) {
      order.push(p.lang);
      counts.set(p.lang, 0);
      hits.set(
        p.lang,
        measures.map(() => 0),
      );
    }
    const gold = answers.get(p.id);
    if (gold === undefined) continue;
    const span = spanAnswers(gold);
    if (span.length === 0) continue;
    const passages = (function* () {
      for (const text of p.ctxs) yield cache.get(text, () => text);
    })();
    counts.set(p.lang, counts.get(p.lang)! + 1);
    const sums = hits.get(p.lang)!;
    rktHits(span, passages, budgets).forEach((h, i) => {
      if (h) sums[i]!++;
    });
  }
  const languages = order.filter((l) => counts.get(l)! > 0);
  return {
    measures,
    languages,
    counts: Object.fromEntries(languages.map((l) => [l, counts.get(l)!])),
    hits: Object.fromEntries(
      measures.map((m, i) => [m, Object.fromEntries(languages.map((l) => [l, hits.get(l)![i]!]))]),
    ),
  };
}

/**
 * measure → language → score, plus `avg` (the macro average, Python's exact `statistics.mean`): with `scale`
 * 100, the official script's `hits / count * 100` to the last bit; with 1, fractions.
 */
export function xorScores(
  result: XorSubmissionResult,
  scale: 1 | 100,
): Record<string, Record<string, number>> {
  return Object.fromEntries(
    result.measures.map((m) => {
      const perLang = result.languages.map((l) =>
        scale === 1
          ? result.hits[m]![l]! / result.counts[l]!
          : (result.hits[m]![l]! / result.counts[l]!) * 100,
      );
      const row: Record<string, number> = Object.fromEntries(
        result.languages.map((l, j) => [l, perLang[j]!]),
      );
      row["avg"] = exactMean(perLang);
      return [m, row];
    }),
  );
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function inputError(reason: string, file: string, code: MetricsErrorCode, line?: number, field?: string) {
  return new MetricsError(field === undefined ? reason : `${field}: ${reason}`, { code, file, line, field });
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const notFound = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw inputError(notFound ? "file not found" : String(e), file, "io");
  }
}

/** Reads an XOR-TyDi data file (JSON lines with `id` and `answers`) into id → answers. */
export function readXorAnswers(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  readText(file)
    .split("\n")
    .forEach((raw, i) => {
      const line = i + 1;
      if (raw.trim() === "") return;
      let item: unknown;
      try {
        item = JSON.parse(raw);
      } catch (e) {
        throw inputError(`invalid JSON (${(e as Error).message})`, file, "invalid-json", line);
      }
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        throw inputError("expected a JSON object", file, "wrong-type", line);
      }
      const { id, answers } = item as Record<string, unknown>;
      if (typeof id !== "string") throw inputError("expected a string", file, "wrong-type", line, "id");
      if (!isStringArray(answers))
        throw inputError("expected an array of strings", file, "wrong-type", line, "answers");
      out.set(id, answers);
    });
  return out;
}

/**
 * Reads an XOR-Retrieve submission (a JSON array of `{id, lang, ctxs: [passage text, ...]}`) with @xqg/core's
 * XOR reader (the one @xqg/corpus' `readRun` reads with); problems are MetricsErrors naming the line and field.
 */
export function readXorPredictions(file: string): XorSubmissionEntry[] {
  return readXorSubmissionSync(file, {
    error: (reason, init) => new MetricsError(reason, { ...init, file, code: init.code as MetricsErrorCode }),
  });
}
