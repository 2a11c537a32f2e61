import { holm, pairedTTest, permutationTest } from "./tests.js";

/** Paired significance tests by name. */
export const SIGNIFICANCE_TESTS = {
  t: { label: "paired t-test", run: (a: number[], b: number[]) => pairedTTest(a, b) },
  permutation: {
    label: "paired permutation test",
    run: (a: number[], b: number[], o: { seed: number; rounds: number }) => permutationTest(a, b, o),
  },
} as const;
export type SignificanceTest = keyof typeof SIGNIFICANCE_TESTS;

/** Multiple-comparison corrections by name (over the systems compared with the baseline). */
export const CORRECTIONS = {
  holm: { label: "Holm-corrected", adjust: (p: readonly number[]) => holm(p) },
  none: { label: "uncorrected", adjust: (p: readonly number[]) => [...p] },
} as const;
export type Correction = keyof typeof CORRECTIONS;

/**
 * The significance settings every comparison uses unless told otherwise — `compare`, `compareScores` and the
 * `xqg` report alike. The paper (Zhuang et al., SIGIR 2023) reports a paired t-test at p < 0.05 against the
 * un-augmented run, with no multiple-comparison correction; the seed and rounds only matter for the
 * permutation test.
 */
export const SIGNIFICANCE_DEFAULTS = {
  test: "t",
  correction: "none",
  maxP: 0.05,
  seed: 42,
  rounds: 10_000,
} as const satisfies {
  test: SignificanceTest;
  correction: Correction;
  maxP: number;
  seed: number;
  rounds: number;
};
