/** Seeded uniform floats in [-1, 1) (mulberry32), so tests and their expected values are reproducible. */
export function randomMatrix(rows: number, dim: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Float32Array.from({ length: rows * dim }, () => next() * 2 - 1);
}

export const docids = (n: number, prefix = "d"): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);
