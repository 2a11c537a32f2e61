import { CorpusError } from "../errors.js";

/** Position of the first NaN or ±Infinity in `values`, or -1. One pass; `x - x` is 0 exactly for finite x. */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x - x !== 0) return i;
  }
  return -1;
}

/**
 * Throws a `non-finite` CorpusError naming `file`, the row and the column of the first NaN or ±Infinity in
 * `values` (rows `firstRow …` of a matrix `dim` wide). An Inf row ranks first for every inner-product query and
 * a NaN fails far from its source, so embeddings are checked where they are written and read.
 */
export function checkFinite(file: string, values: Float32Array, dim: number, firstRow: number): void {
  const at = firstNonFinite(values);
  if (at < 0) return;
  const row = firstRow + Math.floor(at / dim);
  const reason = `row ${row}, column ${at % dim}: ${values[at]}; embeddings must be finite`;
  throw new CorpusError(reason, { file, code: "non-finite" });
}
