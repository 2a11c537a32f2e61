import type { LongCallOptions } from "@xqg/core";
import type { NpyDtype } from "@xqg/corpus";
import { augmentArrays, type Counts } from "./augment.js";
import { checkAlpha, checkKeys, checkPositiveInteger } from "./checks.js";
import { checkReduce, FUSION_DEFAULTS, type Reduce } from "./defaults.js";
import { FusionError } from "./errors.js";
import { fuseFiles } from "./fuse-files.js";
import type { LanguageSelection } from "./languages.js";

export type { Counts };

/** What every call of {@link fuse} may set. */
export interface FuseCommonOptions {
  /** "sum" (default, the paper) or "mean" (Σq divided by the passage's number of queries). */
  reduce?: Reduce | undefined;
  /** L2-normalise each output row (norm in float64, rounded to float32). Default false. */
  renormalize?: boolean | undefined;
}

/** One α (default 0.01) or a sweep of αs: `alphas` gives one output per α, in order. */
export type AlphaOption =
  | { alpha?: number | undefined; alphas?: never }
  | { alphas: readonly number[]; alpha?: never };

/** Fusion in memory: P and Σq as float32 arrays, rows × `dimensions`, row-major. */
export interface FuseArraysOptions extends FuseCommonOptions {
  passages: Float32Array;
  sums: Float32Array;
  dimensions: number;
  /** Queries per passage, one per row; needed by reduce "mean". */
  counts?: Counts | undefined;
}

/** Fusion of `.npy` files, streamed in blocks: memory is a few blocks, whatever the number of passages. */
export interface FuseFilesOptions extends FuseCommonOptions, LanguageSelection, LongCallOptions {
  /** P: passage embeddings `.npy` (float32 or float16), with an optional `.ids` sidecar. */
  passages: string;
  /** Σq `.npy` written by `sumQueries` or `concatQuerySums` (its counts, per-language sums and ids beside it). */
  sums: string;
  /** Where the matrix goes: a path for one α, a function of α for a sweep. */
  out: string | ((alpha: number) => string);
  /** Rows per block (default 256). */
  batchSize?: number | undefined;
  /** Storage type of the outputs, "float32" or "float16"; default that of P. */
  dtype?: NpyDtype | undefined;
}

/** A matrix `fuse` wrote. */
export interface FusedFile {
  alpha: number;
  path: string;
  rows: number;
}

const COMMON_KEYS = ["alpha", "alphas", "reduce", "renormalize"];
const ARRAY_KEYS = [...COMMON_KEYS, "passages", "sums", "dimensions", "counts"];
const FILE_KEYS = [
  ...COMMON_KEYS,
  "passages",
  "sums",
  "out",
  "languages",
  "weights",
  "batchSize",
  "dtype",
  "onProgress",
  "signal",
];

/**
 * The xQG augmentation p' = (1 − α)·p + α·Σq, for one α or a sweep of them, on arrays in memory or streamed
 * over `.npy` files (every α from one pass over P and Σq). Arithmetic is float32 step by step: the bits NumPy
 * gives for `(1 - alpha) * P + alpha * S` on float32 arrays.
 */
export function fuse(
  options: FuseArraysOptions & { alpha?: number | undefined; alphas?: never },
): Float32Array;
export function fuse(
  options: FuseArraysOptions & { alphas: readonly number[]; alpha?: never },
): Float32Array[];
export function fuse(
  options: FuseFilesOptions & { alpha?: number | undefined; alphas?: never },
): Promise<FusedFile>;
export function fuse(
  options: FuseFilesOptions & { alphas: readonly number[]; alpha?: never; out: (alpha: number) => string },
): Promise<FusedFile[]>;
export function fuse(
  options: (FuseArraysOptions | FuseFilesOptions) & AlphaOption,
): Float32Array | Float32Array[] | Promise<FusedFile | FusedFile[]>;
export function fuse(
  options: (FuseArraysOptions | FuseFilesOptions) & AlphaOption,
): Float32Array | Float32Array[] | Promise<FusedFile | FusedFile[]> {
  if (typeof options?.passages !== "string") return fuseChecked(options);
  // on files, a mistake rejects the promise, as any other failure does
  try {
    return fuseChecked(options);
  } catch (error) {
    return Promise.reject(error);
  }
}

function fuseChecked(
  options: (FuseArraysOptions | FuseFilesOptions) & AlphaOption,
): Float32Array | Float32Array[] | Promise<FusedFile | FusedFile[]> {
  if (options === null || typeof options !== "object")
    throw new FusionError("fuse: options must be an object", { code: "invalid-option" });
  const onFiles = typeof options.passages === "string";
  checkKeys(options, onFiles ? FILE_KEYS : ARRAY_KEYS, "fuse");
  const sweep = options.alphas !== undefined;
  if (sweep && options.alpha !== undefined)
    throw new FusionError("fuse: give alpha (one matrix) or alphas (a sweep), not both", {
      code: "invalid-option",
      field: "alphas",
    });
  if (sweep && !Array.isArray(options.alphas))
    throw new FusionError("fuse: alphas must be an array of numbers", {
      code: "invalid-option",
      field: "alphas",
    });
  const alphas = (sweep ? options.alphas! : [options.alpha ?? FUSION_DEFAULTS.alpha]).map(checkAlpha);
  if (alphas.length === 0)
    throw new FusionError("fuse: alphas must not be empty", { code: "invalid-option", field: "alphas" });
  const reduce = checkReduce(options.reduce ?? FUSION_DEFAULTS.reduce);
  const renormalize = options.renormalize ?? FUSION_DEFAULTS.renormalize;
  if (typeof renormalize !== "boolean")
    throw new FusionError(`fuse: renormalize must be true or false, got ${JSON.stringify(renormalize)}`, {
      code: "invalid-option",
      field: "renormalize",
    });

  if (!onFiles) {
    const o = options as FuseArraysOptions;
    const dimensions = checkPositiveInteger(o.dimensions, "dimensions");
    const fused = alphas.map((alpha) =>
      augmentArrays(o.passages, o.sums, { dimensions, alpha, reduce, counts: o.counts, renormalize }),
    );
    return sweep ? fused : fused[0]!;
  }

  const o = options as FuseFilesOptions;
  if (typeof o.sums !== "string")
    throw new FusionError("fuse: sums must be a path when passages is one", {
      code: "invalid-option",
      field: "sums",
    });
  const out = o.out;
  if (typeof out !== "function" && (typeof out !== "string" || sweep))
    throw new FusionError(
      sweep ? "fuse: out must be a function of alpha for a sweep" : "fuse: out must be a path",
      { code: "invalid-option", field: "out" },
    );
  const paths = alphas.map((alpha) => (typeof out === "string" ? out : out(alpha)));
  if (new Set(paths).size !== paths.length)
    throw new FusionError("fuse: out(alpha) must give a different path for every alpha", {
      code: "invalid-option",
      field: "out",
    });
  const written = fuseFiles({
    passages: o.passages,
    sums: o.sums,
    alphas,
    paths,
    reduce,
    renormalize,
    languages: o.languages,
    weights: o.weights,
    batchSize: checkPositiveInteger(o.batchSize ?? FUSION_DEFAULTS.batchSize, "batchSize"),
    dtype: o.dtype,
    onProgress: o.onProgress,
    signal: o.signal,
  });
  return sweep ? written : written.then((files) => files[0]!);
}
