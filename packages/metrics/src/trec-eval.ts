// trec_eval's names and output format for the measures it has, so that `xqg evaluate --trec-eval` can be
// diffed against `trec_eval -m ndcg_cut.10 -m recall.100 QRELS RUN`.

import type { Evaluator, RunInput } from "./evaluator.js";
import { toRun } from "./evaluator.js";
import { type Measure, toMeasure } from "./measures/measure.js";
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

export interface TrecEvalOutputOptions {
  /** Per-query lines before the `all` lines (trec_eval `-q`), queries in trec_eval's order (qid, bytewise). */
  readonly perQuery?: boolean;
}

/**
 * trec_eval's output (`%-22s\t%s\t%6.4f`: name, query id or `all`, value) for `run`. A measure trec_eval lacks
 * keeps its xqg name (`MRR@10`, `R@2kt`). Per-query lines cover the queries the run contains; `all` averages
 * as the evaluator was built: with `complete` (trec_eval `-c`), judged queries the run lacks count 0.
 */
export function trecEvalOutput(
  evaluator: Evaluator,
  input: RunInput,
  opts: TrecEvalOutputOptions = {},
): string {
  const run = toRun(input);
  return formatTrecEval(evaluator.measures, evaluator.scores(run), {
    ...opts,
    inRun: (qid) => run.has(qid),
  });
}

/**
 * trec_eval's output from per-query scores (measure → query id → value, e.g. an evaluation's `perQuery`):
 * `all` is the mean over each measure's queries; per-query lines (with `perQuery`) for those `inRun` accepts.
 */
export function formatTrecEval(
  measures: readonly (Measure | string)[],
  scores: ReadonlyMap<string, ReadonlyMap<string, number>>,
  opts: TrecEvalOutputOptions & { inRun?: (qid: string) => boolean } = {},
): string {
  const keys = measures.map((m) => String(toMeasure(m)));
  const names = keys.map((m) => trecEvalName(m) ?? m);
  const line = (name: string, qid: string, value: number) =>
    `${name.padEnd(22)}\t${qid}\t${value.toFixed(4)}\n`;
  let out = "";
  if (opts.perQuery) {
    const inRun = opts.inRun ?? (() => true);
    const qids = [...new Set([...scores.values()].flatMap((v) => [...v.keys()]))]
      .filter(inRun)
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
