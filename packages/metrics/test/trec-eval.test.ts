import { type Run, rankedDocids } from "@xqg/core";
import { describe, expect, it } from "vitest";
import { createEvaluator, formatTrecEval } from "../src/index.js";
import { meanConfidenceInterval, studentTQuantile } from "../src/stats/confidence.js";
import { trecEvalName } from "../src/trec-eval.js";
import { valuesOf } from "./helpers.js";
import { runFrom } from "./three-runs.js";

// q1: d2 (grade 2) and d1 (grade 1) relevant, d4 judged non-relevant; q2: d5; q3: d6 (not in the run).
const qrels = [
  { qid: "q1", docid: "d1", relevance: 1 },
  { qid: "q1", docid: "d2", relevance: 2 },
  { qid: "q1", docid: "d4", relevance: 0 },
  { qid: "q2", docid: "d5", relevance: 1 },
  { qid: "q3", docid: "d6", relevance: 1 },
];
// d2 and d1 tie at 2: trec_eval ranks the larger docid first (d2); q9 is not judged.
const runObject = { q1: { d1: 2, d3: 3, d2: 2 }, q2: { d5: 0.5, d7: 1 }, q9: { d1: 1 } };
const run: Run = new Map(Object.entries(runObject).map(([q, docs]) => [q, new Map(Object.entries(docs))]));
const mean = async (ev: ReturnType<typeof createEvaluator>, m: string) =>
  (await ev.evaluate(run)).scores[m]!["avg"];
// nDCG@10 by hand: q1 (2/log2 3 + 1/log2 4) / (2 + 1/log2 3), q2 1/log2 3, q3 0
const ndcgQ1 = (2 / Math.log2(3) + 1 / 2) / (2 + 1 / Math.log2(3));
const ndcgQ2 = 1 / Math.log2(3);

describe("runs", () => {
  it("are ordered as trec_eval orders a run file: score descending, ties by docid descending", () => {
    expect([...run].map(([q, scores]) => [q, rankedDocids(scores)])).toEqual([
      ["q1", ["d3", "d2", "d1"]],
      ["q2", ["d7", "d5"]],
      ["q9", ["d1"]],
    ]);
  });

  it("score like the same ranking with scores from rank", async () => {
    const ev = createEvaluator({ qrels }, ["nDCG@10", "RR@10", "R@100"]);
    const byRank = runFrom(
      new Map([
        ["q1", ["d3", "d2", "d1"]],
        ["q2", ["d7", "d5"]],
      ]),
    );
    expect((await ev.evaluate(run)).scores).toEqual((await ev.evaluate(byRank)).scores);
    expect(valuesOf(await ev.evaluate(run)).get("nDCG@10")).toEqual(
      new Map([
        ["q1", ndcgQ1],
        ["q2", ndcgQ2],
        ["q3", 0],
      ]),
    );
  });
});

describe("complete (trec_eval -c)", () => {
  it("by default counts judged queries the run lacks as 0; with complete: false averages over the run's", async () => {
    const withC = createEvaluator({ qrels }, ["nDCG@10", "MRR@10", "R@100"]);
    expect(await mean(withC, "nDCG@10")).toBeCloseTo((ndcgQ1 + ndcgQ2) / 3, 15);
    expect(await mean(withC, "MRR@10")).toBe(1 / 3);
    expect(await mean(withC, "R@100")).toBe(2 / 3);
    const ev = createEvaluator({ qrels, complete: false }, ["nDCG@10", "MRR@10", "R@100"]);
    expect(await mean(ev, "nDCG@10")).toBeCloseTo((ndcgQ1 + ndcgQ2) / 2, 15);
    expect(await mean(ev, "MRR@10")).toBe(0.5);
    expect(await mean(ev, "R@100")).toBe(1);
  });
});

describe("trec_eval output", () => {
  it("names measures as trec_eval does, and only those it has", () => {
    expect(
      ["nDCG@10", "nDCG", "P@5", "R@100", "MAP", "MAP@1000", "MRR", "MRR@10", "R@2kt", "P(rel=2)@5"].map(
        (m) => trecEvalName(m),
      ),
    ).toEqual([
      "ndcg_cut_10",
      "ndcg",
      "P_5",
      "recall_100",
      "map",
      "map_cut_1000",
      "recip_rank",
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("prints %-22s\\t%s\\t%6.4f lines, per query (sorted qids, run's queries only) then all", async () => {
    const ev = createEvaluator({ qrels }, ["nDCG@10", "RR", "RR@10"]);
    expect(formatTrecEval(await ev.evaluate(run), { perQuery: true, run })).toBe(
      [
        "ndcg_cut_10           \tq1\t0.6697",
        "recip_rank            \tq1\t0.5000",
        "MRR@10                \tq1\t0.5000",
        "ndcg_cut_10           \tq2\t0.6309",
        "recip_rank            \tq2\t0.5000",
        "MRR@10                \tq2\t0.5000",
        "ndcg_cut_10           \tall\t0.4335",
        "recip_rank            \tall\t0.3333",
        "MRR@10                \tall\t0.3333",
        "",
      ].join("\n"),
    );
    const noC = createEvaluator({ qrels, complete: false }, ["nDCG@10"]);
    expect(formatTrecEval(await noC.evaluate(run))).toBe("ndcg_cut_10           \tall\t0.6503\n");
  });
});

describe("confidence intervals", () => {
  it("inverts Student's t (tables: 12.706 at df 1, 2.262 at df 9, 1.984 at df 100)", () => {
    expect(studentTQuantile(0.95, 1).toFixed(3)).toBe("12.706");
    expect(studentTQuantile(0.95, 9).toFixed(3)).toBe("2.262");
    expect(studentTQuantile(0.95, 100).toFixed(3)).toBe("1.984");
  });

  it("gives mean ± t·s/√n", () => {
    // mean 0.5, s = sqrt(1/3), t(0.95, 3) = 3.182446
    const ci = meanConfidenceInterval([0, 0, 1, 1]);
    expect(ci.mean).toBe(0.5);
    expect(ci.low.toFixed(6)).toBe((0.5 - (3.182446 * Math.sqrt(1 / 3)) / 2).toFixed(6));
    expect(ci.high.toFixed(4)).toBe("1.4187");
    expect(meanConfidenceInterval([1]).low).toBeNaN();
  });
});
