import { checkAlpha, checkFinite, firstNonFinite, rowsOf } from "./checks.js";
import { checkReduce, FUSION_DEFAULTS, type Reduce } from "./defaults.js";
import { FusionError } from "./errors.js";
import { type MixArena, mixInto } from "./kernel/mix.js";

export type Counts = Uint32Array | Float32Array | Int32Array | readonly number[];

/** The settings of one augmentation, as `fuse` passes them on. */
export interface AugmentSettings {
  dimensions: number;
  alpha: number;
  reduce?: Reduce | undefined;
  /** Queries per passage, one per row; required for reduce "mean". */
  counts?: Counts | undefined;
  renormalize?: boolean | undefined;
}

/**
 * The paper's augmentation, row by row, into a new array: p' = (1 − α)·p + α·Σq. Arithmetic is float32 step
 * by step, exactly as NumPy evaluates `(1 - alpha) * P + alpha * S` on float32 arrays.
 */
export function augmentArrays(p: Float32Array, sumQ: Float32Array, options: AugmentSettings): Float32Array {
  const dimensions = options.dimensions;
  const n = rowsOf("passages", p, dimensions);
  const m = rowsOf("sums", sumQ, dimensions);
  if (n !== m)
    throw new FusionError(`passages has ${n} rows but sums has ${m}`, {
      code: "shape-mismatch",
      field: "sums",
    });
  const out = new Float32Array(p.length);
  const settings = resolveAugment(options, n);
  if (augmentInto(out, p, sumQ, settings, 0)) {
    // Which is it: a NaN or ±Infinity in an input, or an overflow?
    checkFinite({ field: "passages" }, p, dimensions);
    checkFinite({ field: "sums" }, sumQ, dimensions);
    checkFinite({ field: "output" }, out, dimensions, 0, ` (overflow at α = ${options.alpha})`);
  }
  return out;
}

export interface ResolvedAugment {
  keep: number;
  alpha: number;
  dimensions: number;
  reduce: Reduce;
  counts: Counts | undefined;
  renormalize: boolean;
}

export function resolveAugment(options: AugmentSettings, rows: number): ResolvedAugment {
  const alpha = checkAlpha(options.alpha);
  const reduce = checkReduce(options.reduce ?? FUSION_DEFAULTS.reduce);
  const counts = options.counts;
  if (reduce === "mean" && counts === undefined)
    throw new FusionError('reduce "mean" needs counts (queries per passage)', {
      code: "invalid-option",
      field: "counts",
    });
  if (counts !== undefined && counts.length !== rows)
    throw new FusionError(`counts has ${counts.length} entries for ${rows} rows`, {
      code: "shape-mismatch",
      field: "counts",
    });
  return {
    keep: Math.fround(1 - alpha),
    alpha: Math.fround(alpha),
    dimensions: options.dimensions,
    reduce,
    counts,
    renormalize: options.renormalize ?? FUSION_DEFAULTS.renormalize,
  };
}

/**
 * Writes the augmented rows of `p` into `out` (same length). `countOffset` is the row number of p[0] within
 * `counts`, so that a block of a larger file can use the whole file's counts. Arrays that lie in `arena` are
 * handed to the SIMD kernel in place. Returns true when `out` (before any renormalisation) holds a NaN or
 * ±Infinity, which a NaN or ±Infinity in `p` or `sumQ` always causes, except in a row without queries under
 * "mean" (that row ignores `sumQ`).
 */
export function augmentInto(
  out: Float32Array,
  p: Float32Array,
  sumQ: Float32Array,
  r: ResolvedAugment,
  countOffset: number,
  arena?: MixArena,
): boolean {
  const { dimensions: dim, keep, alpha } = r;
  const rows = p.length / dim;
  const f = Math.fround;
  let nonFinite: boolean;
  if (r.reduce === "sum") {
    nonFinite = mixInto(out, p, sumQ, keep, alpha, arena);
  } else {
    const counts = r.counts!;
    for (let row = 0; row < rows; row++) {
      const o = row * dim;
      const count = counts[countOffset + row]!;
      // NumPy: alpha * (S / count), dividing first, in float32; a passage without queries adds nothing.
      for (let j = o; j < o + dim; j++)
        out[j] = f(f(keep * p[j]!) + f(alpha * (count > 0 ? f(sumQ[j]! / count) : 0)));
    }
    nonFinite = firstNonFinite(out) >= 0;
  }
  if (r.renormalize) for (let o = 0; o < p.length; o += dim) normalizeRow(out, o, dim);
  return nonFinite;
}

function normalizeRow(x: Float32Array, o: number, dim: number): void {
  let ss = 0;
  for (let j = 0; j < dim; j++) ss += x[o + j]! * x[o + j]!;
  if (ss === 0) return;
  const norm = Math.fround(Math.sqrt(ss));
  for (let j = 0; j < dim; j++) x[o + j] = Math.fround(x[o + j]! / norm);
}
