/**
 * The k largest logits of each row of a step, `rows × k` row-major: values descending, equal values in index
 * order (the order of the JavaScript path's `topKIndices`).
 */
export interface TopCandidates {
  k: number;
  values: Float32Array;
  indices: Int32Array;
  /**
   * When asked for (`StepRequest.normalise`): each row's log Σ exp(logit / temperature) over the whole
   * vocabulary, computed in float64 inside the graph (its summation order is ONNX Runtime's, so it can differ
   * from JavaScript's in the last bits).
   */
  logSumExp?: Float64Array;
}

/**
 * One decoding step: the state to continue from, plus either the logits of every row (`rows × vocabSize`,
 * row-major) or, when the caller asked for `k` candidates and the model chooses in its graph, only `top`.
 */
export interface StepOutput<C> {
  /** `rows × vocabSize`; empty (length 0) when the step returned `top` instead. */
  logits: Float32Array;
  vocabSize: number;
  cache: C;
  /** The k best logits per row, when asked for and the model selects inside its graph. */
  top?: TopCandidates;
  /** With `top`: the step's full logits, computed again (for the rare rows whose ties run past k). */
  fullLogits?: () => Promise<Float32Array>;
}

/** What the decoding loop needs of a step: `k` candidates per row (a model may give full logits instead). */
export interface StepRequest {
  k: number;
  /** Also each row's full-vocabulary log-normaliser at this temperature (beam search, top-p without top-k). */
  normalise?: { temperature: number };
}

/**
 * What the decoding loops need from a seq2seq model. The ONNX implementation keeps the KV cache in `C`;
 * the full-recompute baseline keeps the token prefixes; tests use hand-made logits.
 */
export interface StepModel<C> {
  /** Encodes each prompt once and runs the first decoder step (the decoder start token): one row each. */
  start(prompts: ReadonlyArray<ReadonlyArray<number>>, request?: StepRequest): Promise<StepOutput<C>>;
  /** Feeds one more token to every row of `cache`. */
  next(cache: C, tokens: readonly number[], request?: StepRequest): Promise<StepOutput<C>>;
  /** A cache holding rows `rows` of `cache` in that order; rows may repeat (expansion, beam reordering). */
  select(cache: C, rows: readonly number[]): C;
}

/** Whether `rows` is 0..count-1, i.e. selecting them would copy the cache for nothing. */
export function isIdentity(rows: readonly number[], count: number): boolean {
  if (rows.length !== count) return false;
  for (let i = 0; i < rows.length; i++) if (rows[i] !== i) return false;
  return true;
}
