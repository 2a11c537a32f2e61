/** Logits of one decoding step: `rows × vocabSize`, row-major, plus the state to continue from. */
export interface StepOutput<C> {
  logits: Float32Array;
  vocabSize: number;
  cache: C;
}

/**
 * What the decoding loops need from a seq2seq model. The ONNX implementation keeps the KV cache in `C`;
 * the full-recompute baseline keeps the token prefixes; tests use hand-made logits.
 */
export interface StepModel<C> {
  /** Encodes each prompt once and runs the first decoder step (the decoder start token): one row each. */
  start(prompts: ReadonlyArray<ReadonlyArray<number>>): Promise<StepOutput<C>>;
  /** Feeds one more token to every row of `cache`. */
  next(cache: C, tokens: readonly number[]): Promise<StepOutput<C>>;
  /** A cache holding rows `rows` of `cache` in that order; rows may repeat (expansion, beam reordering). */
  select(cache: C, rows: readonly number[]): C;
}

/** Whether `rows` is 0..count-1, i.e. selecting them would copy the cache for nothing. */
export function isIdentity(rows: readonly number[], count: number): boolean {
  if (rows.length !== count) return false;
  for (let i = 0; i < rows.length; i++) if (rows[i] !== i) return false;
  return true;
}
