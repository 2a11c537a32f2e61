// trec_eval's names and output format for the measures it has, so that `xqg evaluate --trec-eval` can be
// diffed against `trec_eval -m ndcg_cut.10 -m recall.100 QRELS RUN`.

import { checkOptions } from "@xqg/core";
import type { Evaluation } from "./evaluator.js";
import { type Measure, parseMeasure, toMeasure } from "./measures/measure.js";
import { exactMean } from "./stats/exact-mean.js";

/**
 * trec_eval's name of a measure: `nDCG@10` → `ndcg_cut_10`, `nDCG` → `ndcg`, `P@5` → `P_5`, `R@100` →
 * `recall_100`, `MAP` → `map`, `MAP@100` → `map_cut_100`, `MRR` → `recip_rank`. Undefined where trec_eval has
 * no such measure: `MRR@k` (recip_rank has no cutoff), R@kt, and `rel` other than 1 (trec_eval sets that
 * with `-l`, for all measures at once).
 */
export function trecEvalName(m: Measure | string): string | undefined {
  const x = toMeasure(m);
  if (x.unit === "kt" || x.rel !== 1) return undefined;
  const k = x.cutoff;
  switch (x.name) {
    case "nDCG":
      return k === undefined ? "ndcg" : `ndcg_cut_${k}`;
    case "P":
      return `P_${k}`;
    case "R":
      return k === undefined ? "recall" : `recall_${k}`;
    case "MAP":
      return k === undefined ? "map" : `map_cut_${k}`;
    case "MRR":
      return k === undefined ? "recip_rank" : undefined;
  }
}

/** Options of `formatTrecEval`. */
export interface TrecEvalOptions {
  /** Per-query lines before the `all` lines (trec_eval `-q`), queries in trec_eval's order (qid, bytewise). */
  readonly perQuery?: boolean | undefined;
  /** Per-query lines only for the queries of this run (as trec_eval prints them); default: every scored query. */
  readonly run?: { has(qid: string): boolean } | undefined;
}

/**
 * trec_eval's output (`%-22s\t%s\t%6.4f`: name, query id or `all`, value) of an evaluation, to diff against
 * `trec_eval -c -m ndcg_cut.10 QRELS RUN`. A measure trec_eval lacks keeps its xqg name (`MRR@10`, `R@2kt`).
 * `all` is the mean over each measure's scored queries: with `complete` (trec_eval `-c`, the default), judged
 * queries the run lacks count 0.
 */
export function formatTrecEval(evaluation: Evaluation, options: TrecEvalOptions = {}): string {
  checkOptions(options, ["perQuery", "run"], "formatTrecEval");
  const keys = evaluation.measures.map((m) => String(parseMeasure(m)));
  const scores = new Map(
    keys.map((m) => [
      m,
      new Map(
        evaluation.perQuery.flatMap((q) => (q.values[m] === undefined ? [] : [[q.id, q.values[m]] as const])),
      ),
    ]),
  );
  const names = keys.map((m) => trecEvalName(m) ?? m);
  const line = (name: string, qid: string, value: number) =>
    `${name.padEnd(22)}\t${qid}\t${value.toFixed(4)}\n`;
  let out = "";
  if (options.perQuery) {
    const run = options.run;
    const qids = [...new Set([...scores.values()].flatMap((v) => [...v.keys()]))]
      .filter((q) => run === undefined || run.has(q))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const qid of qids)
      keys.forEach((m, i) => {
        const v = scores.get(m)?.get(qid);
        if (v !== undefined) out += line(names[i]!, qid, v);
      });
  }
  keys.forEach((m, i) => {
    const values = [...(scores.get(m)?.values() ?? [])];
    out += line(names[i]!, "all", values.length === 0 ? 0 : exactMean(values));
  });
  return out;
}
