import { performance } from "node:perf_hooks";

export interface Measurement<T> {
  result: T;
  seconds: number;
}

/** Times one call (after an optional number of untimed warm-up calls) with a monotonic clock. */
export async function measure<T>(fn: () => T | Promise<T>, warmup = 0): Promise<Measurement<T>> {
  for (let i = 0; i < warmup; i++) await fn();
  const start = performance.now();
  const result = await fn();
  return { result, seconds: (performance.now() - start) / 1000 };
}
