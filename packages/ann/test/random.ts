import { mulberry32 } from "@xqg/test-utils";

export { mulberry32 };

/** Seeded uniform floats in [-1, 1). */
export function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: rows * dim }, () => next() * 2 - 1);
}

export const docids = (n: number, prefix = "d"): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);
