import { FusionError } from "./errors.js";

/** The defaults of {@link fuse} and {@link sumQueries}, and the choices of `reduce`. */
export const FUSION_DEFAULTS = {
  /** Weight of the query term in p' = (1 − α)·p + α·Σq: the paper's 0.01. */
  alpha: 0.01,
  /** Σq over every generated query, as the paper does. */
  reduce: "sum",
  renormalize: false,
  /**
   * Rows per batch: passages per block when fusing files (768 KiB at 768 dimensions, so a block stays in
   * cache), queries per `embed` call when summing.
   */
  batchSize: 256,
  /** How the generated-query embeddings of a passage are combined before mixing them into it. */
  reductions: {
    sum: "Σq over every generated query, as the paper and its official code do",
    mean: "Σq / (number of queries); a passage with no queries keeps a zero vector",
  },
} as const;

export type Reduce = keyof typeof FUSION_DEFAULTS.reductions;

export function checkReduce(reduce: unknown): Reduce {
  if (typeof reduce === "string" && Object.hasOwn(FUSION_DEFAULTS.reductions, reduce))
    return reduce as Reduce;
  throw new FusionError(
    `unknown reduce ${JSON.stringify(reduce)}; allowed: ${Object.keys(FUSION_DEFAULTS.reductions).join(", ")}`,
    { code: "invalid-option", field: "reduce" },
  );
}
