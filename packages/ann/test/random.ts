/** Seeded uniform floats in [0, 1) (mulberry32): reproducible data for tests and benchmarks. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded uniform floats in [-1, 1). */
export function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: rows * dim }, () => next() * 2 - 1);
}

export const docids = (n: number, prefix = "d"): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);
