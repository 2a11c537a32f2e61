import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compareScores, type SystemScores, scoresOf as scoresOfEvaluation } from "../src/compare.js";
import {
  type CompareOptions,
  type Comparison,
  compare,
  createEvaluator,
  type Evaluation,
  SIGNIFICANCE_DEFAULTS,
} from "../src/index.js";
import { evaluateAll, languages, qrels, queries, runs } from "./three-runs.js";

const scoresOf = (values: Record<string, number>): SystemScores =>
  new Map([["R@1", new Map(Object.entries(values))]]);

describe("compareScores by hand", () => {
  // q4 is missing from sys (scores 0 there), q5 from base (scores 0 there); q1, q2, q5 are ar, q3, q4 bn
  const base = scoresOf({ q1: 0, q2: 0, q3: 1, q4: 1 });
  const sys = scoresOf({ q1: 1, q2: 1, q3: 1, q5: 1 });
  const languageOf = new Map([
    ["q1", "ar"],
    ["q2", "ar"],
    ["q3", "bn"],
    ["q4", "bn"],
    ["q5", "ar"],
  ]);
  const report = compareScores({ base, sys }, { languageOf });
  const d = report.toJSON();

  it("pairs over the queries either system scores, a missing one scoring 0", () => {
    expect(d.measures).toEqual(["R@1"]);
    expect(d.rows.map((r) => [r.group, r.queries["R@1"]])).toEqual([
      ["ar", 3],
      ["bn", 2],
      ["avg", 5],
    ]);
    const cells = d.rows.map((r) => r.cells["sys"]!["R@1"]!);
    // means: ar 0 vs 3/3, bn 2/2 vs 1/2, avg the macro average (0 + 1) / 2 vs (1 + 1/2) / 2
    expect(d.rows.map((r) => [r.cells["base"]!["R@1"]!.mean, r.cells["sys"]!["R@1"]!.mean])).toEqual([
      [0, 1],
      [1, 0.5],
      [0.5, 0.75],
    ]);
    expect(cells.map((c) => [c.wins, c.ties, c.losses])).toEqual([
      [3, 0, 0],
      [0, 1, 1],
      [3, 1, 1],
    ]);
    // ar: every difference is 1 (no variance, mean ≠ 0) → p = 0
    expect(cells[0]!.pValue).toBe(0);
    // bn: differences (0, −1), t = −1 with 1 df (Cauchy): p = 1 − (2/π)·atan(1) = 0.5
    expect(cells[1]!.pValue).toBeCloseTo(0.5, 14);
    // pooled: differences (1, 1, 0, −1, 1), mean 0.4, s² = 0.8, t = 1 with 4 df:
    // p = 1 − x(1 + (1 − x²)/2), x = t/√(t² + 4) = 1/√5 → 1 − 1.4/√5; SciPy 1.17.1 agrees:
    //   python3 -c "from scipy import stats; print(stats.ttest_rel([1,1,1,0,1],[0,0,1,1,0]).pvalue)"  # 0.3739009663000589
    expect(cells[2]!.pValue).toBeCloseTo(1 - 1.4 / Math.sqrt(5), 14);
    expect(cells.map((c) => c.pAdjusted)).toEqual(cells.map((c) => c.pValue)); // uncorrected (the default)
    expect(cells.map((c) => c.significant)).toEqual([true, false, false]);
  });

  it("renders the same table as compare", () => {
    expect(report.toMarkdown()).toBe(
      [
        "|  | R@1 base | R@1 sys |",
        "| --- | ---: | ---: |",
        "| ar | 0.0 | 100.0† |",
        "| bn | 100.0 | 50.0 |",
        "| avg | 50.0 | 75.0 |",
        "",
        "† / ‡: significantly higher / lower than base (paired t-test, uncorrected p < 0.05).",
      ].join("\n"),
    );
  });

  it("runs the exact permutation test on the same pairs", () => {
    const r = compareScores(
      new Map([
        ["base", base],
        ["sys", sys],
      ]),
      { test: "permutation", seed: 3 },
    );
    const all = r.data.rows[0]!;
    expect(all.group).toBe("all");
    // differences (1, 1, 0, −1, 1), |sum| = 2: of the 2^5 sign flips, |sum| ≥ 2 unless the three 1s and the −1
    // split 2–2 (6 of 16 patterns), so p = 10/16
    expect(all.cells["sys"]!["R@1"]!.pValue).toBe(0.625);
    expect(r.data.seed).toBe(3);
  });

  it("keeps the given language order and leaves its inputs as they were", () => {
    const r = compareScores({ base, sys }, { languageOf, languages: ["bn", "ar"] });
    expect(r.data.rows.map((x) => x.group)).toEqual(["bn", "ar", "avg"]);
    expect([...base.get("R@1")!.keys()]).toEqual(["q1", "q2", "q3", "q4"]);
  });

  it("rejects systems scoring other measures and unknown names", () => {
    const other = new Map([["nDCG@10", new Map([["q1", 1]])]]);
    expect(() => compareScores({ base, other })).toThrow(
      "other scores nDCG@10, which the baseline base does not",
    );
    const more = new Map([...base, ["nDCG@10", new Map()]]);
    expect(() => compareScores({ more, base })).toThrow(
      "base does not score nDCG@10, which the baseline more does",
    );
    expect(() => compareScores({ base, sys }, { baseline: "nope" })).toThrow(
      'baseline "nope" is not among the systems compared: base, sys',
    );
    expect(() => compareScores({ base }, { correction: "bonferroni" as "holm" })).toThrow(
      "known: holm, none",
    );
    expect(() => compareScores({})).toThrow("compare needs at least one system");
  });
});

// compare()'s output before it became a wrapper over compareScores (the implementation at commit 941aeef, run on
// the fixture below and saved with JSON.stringify; NaN would read back as null): one implementation, same tables.
// (The confidence intervals, `ci`, came later; they are checked in the report's tests.)
const BEFORE = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures/compare-before.json"), "utf8"),
) as Record<string, { json: unknown; markdown: string }>;

describe("compareScores gives compare's report from the runs' scores", () => {
  const evaluator = createEvaluator({ qrels, queries }, ["R@1", "nDCG@2"]);
  let evaluations: Record<string, Evaluation> = {};
  let scores: Record<string, SystemScores> = {};
  beforeAll(async () => {
    evaluations = await evaluateAll(evaluator, runs);
    scores = Object.fromEntries(
      Object.entries(evaluations).map(([name, e]) => [name, scoresOfEvaluation(e)]),
    );
  });
  const roundTrip = (r: Comparison) =>
    JSON.parse(JSON.stringify(r, (key, value) => (key === "ci" ? undefined : value))) as unknown;

  const cases: Array<[string, CompareOptions]> = [
    ["defaults", { correction: "holm" }], // the fixture was saved when Holm was the default
    [
      "permutation, no correction, another baseline",
      { test: "permutation", correction: "none", baseline: "sysB" },
    ],
    ["Monte Carlo permutation", { test: "permutation", rounds: 100, seed: 9, correction: "holm" }],
  ];
  it.each(cases)("%s", (name, opts) => {
    const actual = compareScores(scores, { ...opts, languageOf: languages });
    expect(roundTrip(actual)).toEqual(BEFORE[name]!.json);
    expect(actual.toMarkdown()).toBe(BEFORE[name]!.markdown);
    expect(roundTrip(compare(evaluations, opts))).toEqual(BEFORE[name]!.json);
  });

  it("without options, SIGNIFICANCE_DEFAULTS: the paper's uncorrected paired t-test at p < 0.05", () => {
    expect(SIGNIFICANCE_DEFAULTS).toEqual({
      test: "t",
      correction: "none",
      maxP: 0.05,
      seed: 42,
      rounds: 10_000,
    });
    const plain = compareScores(scores, { languageOf: languages }).toJSON();
    expect(plain).toMatchObject({ test: "t", correction: "none", maxP: 0.05 });
    expect(plain).toEqual(
      compareScores(scores, { ...SIGNIFICANCE_DEFAULTS, languageOf: languages }).toJSON(),
    );
    // uncorrected: the adjusted p-value is the raw one
    for (const row of plain.rows)
      for (const s of plain.systems.filter((s) => s !== plain.baseline))
        for (const c of Object.values(row.cells[s]!)) expect(c.pAdjusted).toBe(c.pValue);
    expect(roundTrip(compare(evaluations))).toEqual(
      roundTrip(compareScores(scores, { languageOf: languages })),
    );
  });

  it("without languages", () => {
    expect(roundTrip(compareScores(scores, { correction: "holm" }))).toEqual(
      BEFORE["without languages"]!.json,
    );
    expect(roundTrip(compare(evaluations, { byLanguage: false, correction: "holm" }))).toEqual(
      BEFORE["without languages"]!.json,
    );
  });

  it("with a run missing judged queries", async () => {
    const partial = { base: runs.base, some: new Map([...runs.sysA].slice(0, 4)) };
    const expected = BEFORE["a run missing judged queries"]!;
    // the scores carry every judged query for base, only the four the run ranks for the other
    const some = new Map(
      [...scoresOfEvaluation(await evaluator.evaluate(partial.some))].map(([m, v]) => [
        m,
        new Map([...v].slice(0, 4)),
      ]),
    );
    const actual = compareScores(
      { base: scores["base"]!, some },
      { languageOf: languages, correction: "holm" },
    );
    expect(roundTrip(actual)).toEqual(expected.json);
    expect(actual.toMarkdown()).toBe(expected.markdown);
    expect(roundTrip(compare(await evaluateAll(evaluator, partial), { correction: "holm" }))).toEqual(
      expected.json,
    );
  });
});
