import { describe, expect, it } from "vitest";
import { compare, createEvaluator, SIGNIFICANCE_TESTS } from "../src/index.js";
import { evaluateAll, HITS, qrels, queries, runs } from "./three-runs.js";

const pairedTTest = (a: number[], b: number[]) => SIGNIFICANCE_TESTS.t.run(a, b);
const permutationTest = (a: number[], b: number[], o: { seed: number }) =>
  SIGNIFICANCE_TESTS.permutation.run(a, b, { rounds: 10_000, ...o });

// Uncorrected p-values from SciPy 1.10.1 (Debian python3-scipy), `stats.ttest_rel(sys[s:e], base[s:e]).pvalue`:
//   /usr/bin/python3 -c "from scipy import stats; print(repr(stats.ttest_rel([1,1,1,1,1,0],[1,0,0,0,0,0]).pvalue))"
// (sysB vs base on ar: every difference is 0, SciPy gives nan, pairedTTest gives 1 by definition).
const P = {
  ar: { sysA: 0.025031015818452955, sysB: 1 },
  bn: { sysA: 0.36321746764912255, sysB: 0.17468781426411936 },
  avg: { sysA: 0.01718048734301316, sysB: 0.16608681351829557 },
};

describe("compare", () => {
  const evaluator = createEvaluator({ qrels, queries }, ["R@1"]);

  it("refuses evaluations over different query sets, naming the counts", async () => {
    // sysA's run ranks 6 of the 12 judged queries; evaluated without -c its evaluation scores those 6 alone
    const partial = createEvaluator({ qrels, queries, complete: false }, ["R@1"]);
    const half = new Map([...runs.sysA].slice(0, 6));
    const systems = { base: await evaluator.evaluate(runs.base), sysA: await partial.evaluate(half) };
    expect(() => compare(systems)).toThrow(
      "sysA scores R@1 on 6 queries and the baseline base on 12 (6 in common): systems are compared over the same queries; evaluate both runs against the same judgments (a query a run lacks scores 0 with complete: true, trec_eval -c)",
    );
    // with -c (the default) the missing queries score 0 in the evaluation itself: the sets agree
    const report = compare({ base: systems.base, sysA: await evaluator.evaluate(half) });
    expect(report.toJSON().rows.at(-1)!.queries["R@1"]).toBe(12);
  });

  it("reports per-language means, the macro average and Holm-corrected tests against the baseline", async () => {
    const report = compare(await evaluateAll(evaluator, runs), { correction: "holm" });
    const d = report.toJSON();
    expect(d.baseline).toBe("base");
    expect(d.rows.map((r) => r.group)).toEqual(["ar", "bn", "avg"]);
    expect(d.rows.map((r) => r.queries["R@1"])).toEqual([6, 6, 12]);
    const means = d.rows.map((r) => d.systems.map((s) => r.cells[s]!["R@1"]!.mean));
    expect(means).toEqual([
      [1 / 6, 5 / 6, 1 / 6],
      [2 / 6, 3 / 6, 0],
      [0.25, 0.6666666666666667, 1 / 12], // exact mean of 5/6 and 1/2, rounded once
    ]);
    for (const row of d.rows) {
      const p = P[row.group as keyof typeof P];
      const a = row.cells["sysA"]!["R@1"]!;
      const b = row.cells["sysB"]!["R@1"]!;
      expect(Math.abs(a.pValue! - p.sysA)).toBeLessThan(1e-12);
      expect(Math.abs(b.pValue! - p.sysB)).toBeLessThan(1e-12);
      // Holm over the two systems: the smaller p doubled, the larger at least that
      const lo = Math.min(p.sysA, p.sysB);
      const hi = Math.max(p.sysA, p.sysB);
      const adjLo = Math.min(1, 2 * lo);
      const adjHi = Math.max(adjLo, hi);
      expect(a.pAdjusted).toBeCloseTo(p.sysA === lo ? adjLo : adjHi, 12);
      expect(b.pAdjusted).toBeCloseTo(p.sysB === lo ? adjLo : adjHi, 12);
    }
    const avgA = d.rows[2]!.cells["sysA"]!["R@1"]!;
    expect([avgA.wins, avgA.ties, avgA.losses]).toEqual([5, 7, 0]);
    const avgB = d.rows[2]!.cells["sysB"]!["R@1"]!;
    expect([avgB.wins, avgB.ties, avgB.losses]).toEqual([0, 10, 2]);
    expect(report.toMarkdown()).toBe(
      [
        "|  | R@1 base | R@1 sysA | R@1 sysB |",
        "| --- | ---: | ---: | ---: |",
        "| ar | 16.7 | 83.3 | 16.7 |",
        "| bn | 33.3 | 50.0 | 0.0 |",
        "| avg | 25.0 | 66.7† | 8.3 |",
        "",
        "† / ‡: significantly higher / lower than base (paired t-test, Holm-corrected p < 0.05).",
      ].join("\n"),
    );
  });

  it("marks significantly lower systems and supports other baselines, no correction and the permutation test", async () => {
    const r = compare(await evaluateAll(evaluator, runs), {
      baseline: "sysA",
      correction: "none",
      test: "permutation",
      seed: 1,
    });
    const md = r.toMarkdown({ digits: 2 });
    // pooled: base − sysA has five −1s (exact p = 2/2^5), sysB − sysA seven (2/2^7)
    expect(md.split("\n")[4]).toBe("| avg | 25.00 | 66.67 | 8.33‡ |");
    const json = JSON.parse(JSON.stringify(r));
    expect(json.rows[2].cells.base["R@1"].pValue).toBe(0.0625);
    expect(json.rows[2].cells.sysB["R@1"].pValue).toBe(0.015625);
    expect(json.rows[2].cells.base["R@1"].pValue).toBe(
      permutationTest(HITS.base, HITS.sysA, { seed: 1 }).pValue,
    );
    expect(json.seed).toBe(1);
  });

  it("without languages has one row over all queries", async () => {
    const r = compare(await evaluateAll(createEvaluator({ qrels }, ["R@1"]), runs));
    expect(r.data.rows.map((x) => x.group)).toEqual(["all"]);
    expect(r.data.rows[0]!.cells["sysA"]!["R@1"]!.pValue).toBe(pairedTTest(HITS.sysA, HITS.base).pValue);
  });

  it("scores a judged query missing from a run as 0 and rejects unknown names", async () => {
    const partial = await evaluateAll(evaluator, { base: runs.base, empty: new Map() });
    const r = compare(partial);
    expect(r.data.rows[2]!.cells["empty"]!["R@1"]!.mean).toBe(0);
    const all = await evaluateAll(evaluator, runs);
    expect(() => compare(all, { baseline: "nope" })).toThrow(
      expect.objectContaining({
        code: "bad-comparison",
        message: expect.stringContaining('baseline "nope" is not among the systems'),
      }),
    );
    expect(() => compare(all, { test: "wilcoxon" as "t" })).toThrow("known: t, permutation");
    expect(() => compare(all, { maxP: "0.05" as never })).toThrow(
      expect.objectContaining({ code: "bad-comparison", field: "maxP" }),
    );
    expect(() => compare(all, { corection: "holm" } as never)).toThrow(
      expect.objectContaining({ code: "unknown-option", field: "corection" }),
    );
  });
});
