import { readFileSync } from "node:fs";
import { readXorSubmissionSync } from "@xqg/core";
import { InputError } from "../input-error.js";
import { rktMeasureName, XorAccumulator, type XorEvaluation } from "./evaluate.js";
import { rktHits, spanAnswers, tokenBudget } from "./rkt.js";
import { TokenCache } from "./token-cache.js";

/** One entry of an XOR-Retrieve submission (`pred_file`): passage texts in rank order. */
export interface XorPrediction {
  readonly id: string;
  readonly lang: string;
  readonly ctxs: readonly string[];
}

/**
 * Scores a submission exactly as the official `eval_xor_retrieve.py`: it walks the predictions (language from
 * each prediction), skips ids absent from the answers, and counts each prediction with span answers.
 */
export function evaluateXorSubmission(
  answers: ReadonlyMap<string, readonly string[]>,
  predictions: Iterable<XorPrediction>,
  ks: readonly number[] = [2, 5],
  opts: { cache?: TokenCache; tokenize?: (text: string) => string[] } = {},
): XorEvaluation {
  const budgets = ks.map(tokenBudget);
  const cache = opts.cache ?? new TokenCache(opts.tokenize);
  const acc = new XorAccumulator(ks.map(rktMeasureName));
  for (const p of predictions) {
    acc.see(p.lang);
    const gold = answers.get(p.id);
    if (gold === undefined) continue;
    const span = spanAnswers(gold);
    if (span.length === 0) continue;
    const passages = (function* () {
      for (const text of p.ctxs) yield cache.get(text, () => text);
    })();
    acc.add(p.id, p.lang, rktHits(span, passages, budgets));
  }
  return acc.result();
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError((e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(e), file);
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
        throw new InputError(`invalid JSON (${(e as Error).message})`, file, line);
      }
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        throw new InputError("expected a JSON object", file, line);
      }
      const { id, answers } = item as Record<string, unknown>;
      if (typeof id !== "string") throw new InputError("expected a string", file, line, "id");
      if (!isStringArray(answers))
        throw new InputError("expected an array of strings", file, line, "answers");
      out.set(id, answers);
    });
  return out;
}

/**
 * Reads an XOR-Retrieve submission: a JSON array of `{id, lang, ctxs: [passage text, ...]}`, with @xqg/core's
 * XOR reader (the one @xqg/corpus streams with); problems are InputErrors naming the line and field.
 */
export function readXorPredictions(file: string): XorPrediction[] {
  return readXorSubmissionSync(file, { error: (reason, init) => new InputError(reason, { ...init, file }) });
}
