import { describe, expect, it } from "vitest";
import {
  createEvaluator,
  MeasureError,
  measure,
  parseMeasure,
  qrelsFromRows,
  runFromRows,
} from "../src/index.js";

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
    expect(() => parseMeasure("R@0")).toThrow(MeasureError);
  });
});

describe("createEvaluator with qrels, hand-computed", () => {
  const qrels = qrelsFromRows([
    { qid: "q1", docid: "d1", rel: 2 },
    { qid: "q1", docid: "d2", rel: 1 },
    { qid: "q1", docid: "d3", rel: 0 },
    { qid: "q1", docid: "d4", rel: 1 },
    { qid: "q2", docid: "d5", rel: 1 },
    { qid: "q3", docid: "d1", rel: 0 }, // judged, nothing relevant
    { qid: "q4", docid: "d9", rel: 1 }, // missing from the run
  ]);
  const run = new Map([
    ["q1", ["d3", "d1", "d5", "d2", "d1"]], // d1 repeated: only its first rank counts
    ["q2", ["d6", "d7"]],
    ["q3", ["d1"]],
    ["qX", ["d1"]], // not judged: ignored
  ]);
  const log2 = Math.log2;
  const idcg3 = 2 + 1 / log2(3) + 1 / 2;

  it("scores each query as trec_eval would", () => {
    const ev = createEvaluator(qrels, [
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
    const s = ev.scores(run);
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
    expect(ev.aggregate(run).get("R@100")).toBe(1 / 6);
    expect(ev.perQuery(run).filter((r) => r.queryId === "q1" && r.measure === "MAP")).toEqual([
      { queryId: "q1", measure: "MAP", value: 1 / 3 },
    ]);
  });

  it("scores an empty run 0 on every judged query", () => {
    const ev = createEvaluator(qrels, ["nDCG@10", "MAP"]);
    expect(ev.aggregate(new Map())).toEqual(
      new Map([
        ["nDCG@10", 0],
        ["MAP", 0],
      ]),
    );
  });

  it("macro-averages over languages", () => {
    const languages = new Map([
      ["q1", "ar"],
      ["q2", "ar"],
      ["q3", "bn"],
      ["q4", "bn"],
    ]);
    const ev = createEvaluator({ qrels, languages }, ["R@100"]);
    const by = ev.aggregateByLanguage(run);
    expect(ev.languages).toEqual(["ar", "bn"]);
    expect(by.get("ar")!.get("R@100")).toBe(1 / 3);
    expect(by.get("bn")!.get("R@100")).toBe(0);
    expect(by.get("avg")!.get("R@100")).toBe(1 / 6);
  });

  it("orders a run's rows by score like trec_eval (rank column ignored, ties by docid descending)", () => {
    const r = runFromRows([
      { qid: "q", docid: "a", rank: 1, score: 1 },
      { qid: "q", docid: "b", rank: 2, score: 3 },
      { qid: "q", docid: "c", rank: 3, score: 1 },
    ]);
    expect(r.get("q")).toEqual(["b", "c", "a"]);
    expect(
      runFromRows([
        { qid: "q", docid: "x", rank: 2 },
        { qid: "q", docid: "y", rank: 1 },
      ]).get("q"),
    ).toEqual(["y", "x"]);
  });

  it("refuses measures it cannot compute from the judgments", () => {
    expect(() => createEvaluator(qrels, ["R@2kt"])).toThrow(
      "R@kt needs judgments with `answers` and `passageText`",
    );
    expect(() => createEvaluator({ answers: [], passageText: () => "" }, ["MAP"])).toThrow("MAP needs qrels");
    expect(() => createEvaluator(qrels, ["MAP", "AP"])).toThrow("measure MAP is listed twice");
  });
});
