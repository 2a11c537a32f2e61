import { FusionError } from "./errors.js";

/** How the generated-query embeddings of a passage are combined before mixing them into it. */
export const REDUCTIONS = {
  sum: "Σq over every generated query, as the paper and its official code do",
  mean: "Σq / (number of queries); a passage with no queries keeps a zero vector",
} as const;

export type Reduce = keyof typeof REDUCTIONS;

export function checkReduce(reduce: unknown): Reduce {
  if (typeof reduce === "string" && Object.hasOwn(REDUCTIONS, reduce)) return reduce as Reduce;
  throw new FusionError(
    `unknown reduce ${JSON.stringify(reduce)}; allowed: ${Object.keys(REDUCTIONS).join(", ")}`,
    "bad-option",
    { field: "reduce" },
  );
}
