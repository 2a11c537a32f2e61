import { describe, expect, it } from "vitest";
import {
  createEvaluator,
  meanConfidenceInterval,
  qrelsFromRows,
  runFromObject,
  runFromRows,
  studentTQuantile,
  trecEvalName,
  trecEvalOutput,
} from "../src/index.js";

// q1: d2 (grade 2) and d1 (grade 1) relevant, d4 judged non-relevant; q2: d5; q3: d6 (not in the run).
const qrels = qrelsFromRows([
  { qid: "q1", docid: "d1", rel: 1 },
  { qid: "q1", docid: "d2", rel: 2 },
  { qid: "q1", docid: "d4", rel: 0 },
  { qid: "q2", docid: "d5", rel: 1 },
  { qid: "q3", docid: "d6", rel: 1 },
]);
// d2 and d1 tie at 2: trec_eval ranks the larger docid first (d2); q9 is not judged.
const run = { q1: { d1: 2, d3: 3, d2: 2 }, q2: { d5: 0.5, d7: 1 }, q9: { d1: 1 } };
// nDCG@10 by hand: q1 (2/log2 3 + 1/log2 4) / (2 + 1/log2 3), q2 1/log2 3, q3 0
const ndcgQ1 = (2 / Math.log2(3) + 1 / 2) / (2 + 1 / Math.log2(3));
const ndcgQ2 = 1 / Math.log2(3);

describe("plain-object runs", () => {
  it("are ordered as trec_eval orders a run file: score descending, ties by docid descending", () => {
    expect([...runFromObject(run)]).toEqual([
      ["q1", ["d3", "d2", "d1"]],
      ["q2", ["d7", "d5"]],
      ["q9", ["d1"]],
    ]);
  });

  it("score like the same run as a Map", () => {
    const ev = createEvaluator(qrels, ["nDCG@10", "RR@10", "R@100"]);
    const asMap = runFromRows([
      { qid: "q1", docid: "d3", rank: 1 },
      { qid: "q1", docid: "d2", rank: 2 },
      { qid: "q1", docid: "d1", rank: 3 },
      { qid: "q2", docid: "d7", rank: 1 },
      { qid: "q2", docid: "d5", rank: 2 },
    ]);
    expect(ev.aggregate(run)).toEqual(ev.aggregate(asMap));
    expect(ev.scores(run).get("nDCG@10")).toEqual(
      new Map([
        ["q1", ndcgQ1],
        ["q2", ndcgQ2],
        ["q3", 0],
      ]),
    );
  });
});

describe("complete (trec_eval -c)", () => {
  it("by default counts judged queries the run lacks as 0; with complete: false averages over the run's", () => {
    const withC = createEvaluator(qrels, ["nDCG@10", "MRR@10", "R@100"]).aggregate(run);
    expect(withC.get("nDCG@10")).toBeCloseTo((ndcgQ1 + ndcgQ2) / 3, 15);
    expect(withC.get("MRR@10")).toBe(1 / 3);
    expect(withC.get("R@100")).toBe(2 / 3);
    const ev = createEvaluator(qrels, ["nDCG@10", "MRR@10", "R@100"], { complete: false });
    expect(ev.complete).toBe(false);
    const without = ev.aggregate(run);
    expect(without.get("nDCG@10")).toBeCloseTo((ndcgQ1 + ndcgQ2) / 2, 15);
    expect(without.get("MRR@10")).toBe(0.5);
    expect(without.get("R@100")).toBe(1);
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

  it("prints %-22s\\t%s\\t%6.4f lines, per query (sorted qids, run's queries only) then all", () => {
    const ev = createEvaluator(qrels, ["nDCG@10", "RR", "RR@10"]);
    expect(trecEvalOutput(ev, run, { perQuery: true })).toBe(
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
    const noC = createEvaluator(qrels, ["nDCG@10"], { complete: false });
    expect(trecEvalOutput(noC, run)).toBe("ndcg_cut_10           \tall\t0.6503\n");
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
