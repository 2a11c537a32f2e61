import { describe, expect, it } from "vitest";
import { regularizedIncompleteBeta, studentTTwoSided } from "../src/stats/incomplete-beta.js";
import { holm, pairedTTest, permutationTest } from "../src/stats/tests.js";

// Literals computed independently with Debian bookworm's SciPy 1.10.1 (`apt-get install -y python3-scipy`):
//   /usr/bin/python3 -c "from scipy import stats; import numpy as np; a=[...]; b=[...];
//     r = stats.ttest_rel(a, b); print(repr(r.statistic), repr(r.pvalue));
//     p = stats.permutation_test((np.array(a), np.array(b)), lambda x, y: np.mean(x - y),
//       permutation_type='samples', n_resamples=10000, alternative='two-sided'); print(repr(p.pvalue))"
//   2 * stats.t.sf(t, df) for studentTTwoSided; stats.beta.cdf(x, a, b) for the incomplete beta.
const A12 = [0.5, 0.8, 0.3, 1.0, 0.0, 0.6, 0.7, 0.2, 0.9, 0.4, 0.55, 0.65];
const B12 = [0.4, 0.6, 0.35, 0.9, 0.1, 0.5, 0.5, 0.2, 0.7, 0.45, 0.5, 0.3];
const A01 = [1, 1, 0, 1, 0, 1, 1, 1, 0, 1];
const B01 = [0, 1, 0, 0, 0, 1, 0, 1, 0, 0];
const A200 = Array.from({ length: 200 }, (_, i) => ((i * 37) % 101) / 100);
const B200 = Array.from({ length: 200 }, (_, i) => ((i * 53 + 7) % 97) / 100);

const close = (got: number, want: number, rel = 1e-10) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want));

describe("t distribution", () => {
  it("matches scipy's incomplete beta and two-sided t tail", () => {
    close(regularizedIncompleteBeta(0.3, 2, 3), 0.34829999999999994);
    close(regularizedIncompleteBeta(0.9, 0.5, 0.5), 0.7951672353008665);
    close(regularizedIncompleteBeta(0.5, 30, 40), 0.8857998873233515);
    expect(regularizedIncompleteBeta(0.001, 1000.5, 0.5)).toBe(0);
    const cases: Array<[number, number, number]> = [
      [0.1, 1, 0.9365489651388929],
      [2.0, 2.5, 0.157391495757966],
      [10.0, 3, 0.0021283990584141494],
      [40.0, 1, 0.015912179824051624],
      [1.96, 1000, 0.05027318495574871],
      [3.5, 1999, 0.0004754510613045375],
      [0.5, 7, 0.6324071356892842],
    ];
    for (const [t, df, p] of cases) close(studentTTwoSided(t, df), p);
  });
});

describe("pairedTTest", () => {
  it("matches scipy.stats.ttest_rel", () => {
    const r = pairedTTest(A12, B12);
    close(r.statistic, 2.4214533081081733);
    close(r.pValue, 0.033919454341067606);
    close(r.meanDifference, 0.09166666666666667);
    close(pairedTTest(A01, B01).pValue, 0.03678749787978613);
    const big = pairedTTest(A200, B200);
    close(big.statistic, 0.7774110097731951);
    close(big.pValue, 0.4378395171630277);
  });

  it("is symmetric and handles degenerate input", () => {
    close(pairedTTest(B12, A12).statistic, -2.4214533081081733);
    expect(pairedTTest([1, 2], [1, 2]).pValue).toBe(1);
    expect(pairedTTest([2, 3], [1, 2]).pValue).toBe(0);
    expect(pairedTTest([1], [0]).pValue).toBeNaN();
    expect(() => pairedTTest([1, 2], [1])).toThrow(expect.objectContaining({ code: "bad-comparison" }));
    expect(() => permutationTest([1], [1], { rounds: 0 })).toThrow(
      expect.objectContaining({ field: "rounds" }),
    );
  });
});

describe("permutationTest", () => {
  it("is exact when 2^n <= rounds and then matches scipy.stats.permutation_test", () => {
    expect(permutationTest(A12, B12).pValue).toBe(0.0439453125);
    expect(permutationTest(A01, B01).pValue).toBe(0.125);
    expect(permutationTest(A12, A12).pValue).toBe(1);
  });

  it("is reproducible for a seed and close to the exact value by Monte Carlo", () => {
    const a = A12.concat(A01.map((x) => x / 2));
    const b = B12.concat(B01.map((x) => x / 3));
    const exact = permutationTest(a, b, { rounds: 2 ** a.length });
    const mc = permutationTest(a, b, { seed: 7, rounds: 20_000 });
    expect(permutationTest(a, b, { seed: 7, rounds: 20_000 }).pValue).toBe(mc.pValue);
    expect(permutationTest(a, b, { seed: 8, rounds: 20_000 }).pValue).not.toBe(mc.pValue);
    expect(Math.abs(mc.pValue - exact.pValue)).toBeLessThan(0.005);
  });
});

describe("holm", () => {
  it("adjusts step-down and keeps the input order (hand-computed)", () => {
    // sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → max-accumulated 0.06
    const adj = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((w, i) => {
      close(adj[i]!, w, 1e-12);
    });
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
    expect(holm([Number.NaN, 0.02])).toEqual([Number.NaN, 0.02]);
    expect(holm([])).toEqual([]);
  });
});
