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
  holm: { label: "Holm-corrected", adjust: holm },
  none: { label: "uncorrected", adjust: (p: readonly number[]) => [...p] },
} as const;
export type Correction = keyof typeof CORRECTIONS;
