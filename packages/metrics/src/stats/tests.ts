import { MetricsError } from "../errors.js";
import { studentTTwoSided } from "./incomplete-beta.js";

export interface TestResult {
  /** Test statistic: t for the t-test, the mean difference for the permutation test. */
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** Mean of a − b. */
  readonly meanDifference: number;
  readonly n: number;
}

function differences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length)
    throw new MetricsError(`paired samples differ in length: ${a.length} vs ${b.length}`, {
      code: "bad-comparison",
    });
  return a.map((x, i) => x - b[i]!);
}

/**
 * Paired two-sided Student's t-test of a against b (scipy.stats.ttest_rel). With fewer than two pairs the p-value
 * is NaN; when every difference is 0 it is 1 (scipy: NaN); when all differences are equal but not 0 it is 0.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): TestResult {
  const d = differences(a, b);
  const n = d.length;
  const mean = n === 0 ? Number.NaN : d.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { statistic: Number.NaN, pValue: Number.NaN, meanDifference: mean, n };
  const variance = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  if (variance === 0) {
    return mean === 0
      ? { statistic: 0, pValue: 1, meanDifference: 0, n }
      : { statistic: mean > 0 ? Infinity : -Infinity, pValue: 0, meanDifference: mean, n };
  }
  const t = mean / Math.sqrt(variance / n);
  return { statistic: t, pValue: studentTTwoSided(t, n - 1), meanDifference: mean, n };
}

/** Mulberry32: a small, fast, seedable 32-bit generator (reproducible across platforms). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export interface PermutationOptions {
  /** Seed of the sign-flip generator (default 42). */
  seed?: number;
  /** Random sign-flip rounds (default 10,000); when 2^n ≤ rounds every flip is enumerated (exact test). */
  rounds?: number;
}

/**
 * Paired randomization (sign-flip permutation) test of the mean difference, two-sided. Exact when 2^n ≤ rounds
 * (matches scipy.stats.permutation_test with permutation_type="samples"); otherwise Monte Carlo with p =
 * (1 + #{|T*| ≥ |T|}) / (1 + rounds).
 */
export function permutationTest(
  a: readonly number[],
  b: readonly number[],
  opts: PermutationOptions = {},
): TestResult {
  const { seed = 42, rounds = 10_000 } = opts;
  if (!(Number.isInteger(rounds) && rounds > 0))
    throw new MetricsError(`rounds must be a positive integer, got ${rounds}`, {
      code: "bad-comparison",
      field: "rounds",
    });
  const d = differences(a, b);
  const n = d.length;
  if (n === 0) return { statistic: Number.NaN, pValue: Number.NaN, meanDifference: Number.NaN, n };
  const observed = d.reduce((s, x) => s + x, 0);
  // scipy's tolerance for numerically distinct but theoretically equal statistics
  const threshold = Math.abs(observed) - Math.abs(observed) * 100 * Number.EPSILON;
  const mean = observed / n;
  let extreme = 0;
  if (n < 31 && 2 ** n <= rounds) {
    const total = 2 ** n;
    for (let mask = 0; mask < total; mask++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += mask & (1 << i) ? -d[i]! : d[i]!;
      if (Math.abs(s) >= threshold) extreme++;
    }
    return { statistic: mean, pValue: Math.min(1, extreme / total), meanDifference: mean, n };
  }
  const next = mulberry32(seed);
  for (let r = 0; r < rounds; r++) {
    let s = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (i % 32 === 0) bits = next();
      s += bits & (1 << (i % 32)) ? -d[i]! : d[i]!;
    }
    if (Math.abs(s) >= threshold) extreme++;
  }
  return { statistic: mean, pValue: (extreme + 1) / (rounds + 1), meanDifference: mean, n };
}

/** Holm–Bonferroni adjusted p-values (step-down, monotone), in the input order. NaN stays NaN. */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !Number.isNaN(p))
    .sort((x, y) => x.p - y.p);
  const m = order.length;
  const out = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
