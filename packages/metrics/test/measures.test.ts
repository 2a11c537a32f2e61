import { describe, expect, it } from "vitest";
import { createEvaluator, MetricsError, parseMeasure } from "../src/index.js";
import { measure } from "../src/measures/measure.js";
import { valuesOf } from "./helpers.js";
import { runFrom } from "./three-runs.js";

describe("parseMeasure", () => {
  it("parses names, parameters, cutoffs and the kt unit into canonical values", () => {
    const cases: Array<[string, string]> = [
      ["R@2kt", "R@2kt"],
      ["R@0.1kt", "R@0.1kt"],
      ["recall@100", "R@100"],
      ["ndcg@10", "nDCG@10"],
      ["MRR@10", "MRR@10"],
      ["RR@10", "MRR@10"],
      ["MAP", "MAP"],
      ["AP@100", "MAP@100"],
      ["P(rel=2)@5", "P(rel=2)@5"],
      ["P( rel = 1 )@5", "P@5"],
    ];
    for (const [input, canonical] of cases) {
      expect(String(parseMeasure(input))).toBe(canonical);
      expect(String(parseMeasure(canonical))).toBe(canonical);
    }
    const m = parseMeasure("R@2kt");
    expect([m.name, m.cutoff, m.unit, m.rel]).toEqual(["R", 2, "kt", 1]);
    expect(String(measure("nDCG", { cutoff: 10 }))).toBe("nDCG@10");
  });

  it("points at the offending character and lists the known names", () => {
    expect(() => parseMeasure("Foo@10")).toThrow(
      'unknown measure "Foo" (known: R, P, MRR, nDCG, MAP) at position 0',
    );
    expect(() => parseMeasure("nDCG@10x")).toThrow(
      /unexpected character at position 7 of "nDCG@10x"\n {2}nDCG@10x\n {9}\^/,
    );
    expect(() => parseMeasure("P(k=2)@5")).toThrow("expected a parameter `rel=<integer>` at position 2");
    expect(() => parseMeasure("R@")).toThrow("expected a number after @ at position 2");
    expect(() => parseMeasure("P")).toThrow("P needs a cutoff");
    expect(() => parseMeasure("nDCG@2kt")).toThrow(
      "the kt unit (thousands of tokens) applies to R only, not nDCG",
    );
    expect(() => parseMeasure("nDCG(rel=2)@10")).toThrow("nDCG takes no rel parameter");
    expect(() => parseMeasure("R@0")).toThrow(MetricsError);
    expect(() => parseMeasure("R@0")).toThrow(
      expect.objectContaining({ code: "bad-measure", field: "measure" }),
    );
  });
});

describe("createEvaluator with qrels, hand-computed", () => {
  const qrels = [
    { qid: "q1", docid: "d1", relevance: 2 },
    { qid: "q1", docid: "d2", relevance: 1 },
    { qid: "q1", docid: "d3", relevance: 0 },
    { qid: "q1", docid: "d4", relevance: 1 },
    { qid: "q2", docid: "d5", relevance: 1 },
    { qid: "q3", docid: "d1", relevance: 0 }, // judged, nothing relevant
    { qid: "q4", docid: "d9", relevance: 1 }, // missing from the run
  ];
  const run = runFrom(
    new Map([
      ["q1", ["d3", "d1", "d5", "d2"]],
      ["q2", ["d6", "d7"]],
      ["q3", ["d1"]],
      ["qX", ["d1"]], // not judged: ignored
    ]),
  );
  const log2 = Math.log2;
  const idcg3 = 2 + 1 / log2(3) + 1 / 2;

  it("scores each query as trec_eval would", async () => {
    const ev = createEvaluator({ qrels }, [
      "R@2",
      "R@100",
      "P@2",
      "P@10",
      "MRR@10",
      "MRR@1",
      "MAP",
      "nDCG@3",
      "nDCG@10",
      "P(rel=2)@2",
      "R(rel=2)@2",
    ]);
    const e = await ev.evaluate(run);
    const s = valuesOf(e);
    const q1 = Object.fromEntries([...s].map(([m, v]) => [m, v.get("q1")]));
    expect(q1).toEqual({
      "R@2": 1 / 3,
      "R@100": 2 / 3,
      "P@2": 1 / 2,
      "P@10": 2 / 10, // k larger than the run: still divided by k
      "MRR@10": 1 / 2,
      "MRR@1": 0,
      MAP: (1 / 2 + 2 / 4) / 3,
      "nDCG@3": 2 / log2(3) / idcg3,
      "nDCG@10": (2 / log2(3) + 1 / log2(5)) / idcg3,
      "P(rel=2)@2": 1 / 2,
      "R(rel=2)@2": 1,
    });
    for (const [, v] of s) {
      expect([...v.keys()]).toEqual(["q1", "q2", "q3", "q4"]);
      expect([v.get("q2"), v.get("q3"), v.get("q4")]).toEqual([0, 0, 0]);
    }
    expect(e.scores["R@100"]).toEqual({ avg: 1 / 6 });
    expect(e.perQuery.find((q) => q.id === "q1")!.values["MAP"]).toBe(1 / 3);
  });

  it("scores an empty run 0 on every judged query", async () => {
    const ev = createEvaluator({ qrels }, ["nDCG@10", "MAP"]);
    expect((await ev.evaluate(new Map())).scores).toEqual({ "nDCG@10": { avg: 0 }, MAP: { avg: 0 } });
  });

  it("macro-averages over languages", async () => {
    const queries = [
      { id: "q1", lang: "ar" },
      { id: "q2", lang: "ar" },
      { id: "q3", lang: "bn" },
      { id: "q4", lang: "bn" },
    ];
    const ev = createEvaluator({ qrels, queries }, ["R@100"]);
    expect(ev.languages).toEqual(["ar", "bn"]);
    expect((await ev.evaluate(run)).scores["R@100"]).toEqual({ ar: 1 / 3, bn: 0, avg: 1 / 6 });
  });

  it("orders a run's documents by score like trec_eval (ties by docid descending)", async () => {
    const ev = createEvaluator({ qrels: [{ qid: "q", docid: "c", relevance: 1 }] }, ["MRR"]);
    const run = (scores: Record<string, number>) => new Map([["q", new Map(Object.entries(scores))]]);
    // b first, then the tie a/c at 1: c before a
    expect((await ev.evaluate(run({ a: 1, b: 3, c: 1 }))).scores["MRR"]!["avg"]).toBe(1 / 2);
    expect((await ev.evaluate(run({ a: 1, b: 3, c: 0.5 }))).scores["MRR"]!["avg"]).toBe(1 / 3);
  });

  it("refuses measures it cannot compute from the judgments", () => {
    expect(() => createEvaluator({ qrels }, ["R@2kt"])).toThrow(
      expect.objectContaining({ code: "missing-judgments", field: "queries" }),
    );
    expect(() => createEvaluator({ queries: [], passageText: () => "" }, ["MAP"])).toThrow("MAP needs qrels");
    expect(() => createEvaluator({ qrels }, ["MAP", "AP"])).toThrow("measure MAP is listed twice");
    expect(() => createEvaluator({ qrels }, [])).toThrow(expect.objectContaining({ code: "bad-measure" }));
  });

  it("names the field a plain-JavaScript caller got wrong, never scores NaN or 0", async () => {
    const old = [{ qid: "q1", docid: "d1", rel: 2 }] as never;
    expect(() => createEvaluator({ qrels: old }, ["MAP"])).toThrow(
      expect.objectContaining({
        code: "invalid-record",
        field: "relevance",
        message: expect.stringContaining('qrels: field "relevance" must be a number'),
      }),
    );
    expect(() => createEvaluator({ qrel: qrels } as never, ["MAP"])).toThrow(
      expect.objectContaining({
        code: "unknown-option",
        field: "qrel",
        message: expect.stringContaining('"qrels"'),
      }),
    );
    const ev = createEvaluator({ qrels }, ["MAP"]);
    await expect(ev.evaluate({ q1: { d1: 1 } } as never)).rejects.toMatchObject({ code: "invalid-run" });
    await expect(ev.evaluate(run, { onProgres: () => {} } as never)).rejects.toMatchObject({
      code: "unknown-option",
    });
  });
});
