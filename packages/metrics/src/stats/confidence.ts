import { exactMean } from "./exact-mean.js";
import { studentTTwoSided } from "./incomplete-beta.js";

/**
 * The t with P(|T| ≥ t) = 1 − level for Student's t with `df` degrees of freedom (e.g. 2.262 for level 0.95,
 * df 9), by bisection on the two-sided p-value (to 1e-12).
 */
export function studentTQuantile(level: number, df: number): number {
  if (!(level > 0 && level < 1) || !(df > 0)) return Number.NaN;
  const alpha = 1 - level;
  let lo = 0;
  let hi = 1;
  while (studentTTwoSided(hi, df) > alpha) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSided(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The t-based confidence interval of the mean of `values` (per-query scores): mean ± t(level, n − 1)·s/√n,
 * with s the sample standard deviation. NaN bounds under 2 values.
 */
export function meanConfidenceInterval(
  values: readonly number[],
  level = 0.95,
): { mean: number; low: number; high: number } {
  const n = values.length;
  const mean = n === 0 ? Number.NaN : exactMean(values);
  if (n < 2) return { mean, low: Number.NaN, high: Number.NaN };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const half = (studentTQuantile(level, n - 1) * Math.sqrt(ss / (n - 1))) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half };
}
