import { invalidOption } from "./errors.js";
import { topKIndices } from "./top-k.js";

/** Logits warpers of sampling, applied in Hugging Face's order: temperature, then top-k, then top-p. */
export interface SamplingParams {
  /** Keep the k most likely tokens (and ties with the k-th); 0 disables. */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches topP; 1 disables. */
  topP: number;
  /** Divides the logits; must be > 0. */
  temperature: number;
}

/**
 * The tokens a warped distribution can emit, with probabilities summing to 1: most likely first after
 * top-k or top-p, in vocabulary order when nothing is truncated.
 */
export interface Candidates {
  ids: Int32Array;
  probs: Float64Array;
}

export function validateSamplingParams(params: SamplingParams): void {
  const { topK, topP, temperature } = params;
  if (!Number.isInteger(topK) || topK < 0)
    throw invalidOption("topK", `topK must be an integer >= 0, got ${topK}`);
  if (!(topP > 0 && topP <= 1)) throw invalidOption("topP", `topP must be in (0, 1], got ${topP}`);
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw invalidOption("temperature", `temperature must be a finite number > 0, got ${temperature}`);
  }
}

/**
 * The distribution sampling draws from for one row of logits. Temperature scaling is monotonic, so the
 * top-k set is found on the raw logits and only the kept ones are scaled. Probabilities are computed in
 * float64 over the kept tokens only (the rest are -inf after top-k, exactly as in HF).
 */
export function warpLogits(logits: ArrayLike<number>, params: SamplingParams): Candidates {
  const { topK, topP, temperature } = params;
  if (topK > 0 && topK < logits.length) {
    const ids = topKIndices(logits, topK);
    return warpTop(
      Float64Array.from(ids, (i) => logits[i]!),
      ids,
      params,
    );
  }
  return topP < 1 ? nucleusOfFullRow(logits, topP, temperature) : fullDistribution(logits, temperature);
}

/**
 * `warpLogits` after top-k, from the kept tokens alone: `ids` most likely first (value descending, then index
 * ascending) and `values[i]` the logit of `ids[i]`. This is how candidates chosen in the decoder graph are
 * warped; the arithmetic is `warpLogits`' own, so the probabilities are the same bit for bit.
 */
export function warpTop(values: ArrayLike<number>, ids: Int32Array, params: SamplingParams): Candidates {
  return topPFilter(ids, softmaxOf(values, params.temperature), params.topP);
}

/**
 * Top-p over the whole vocabulary (no top-k) from the row's most likely tokens and its log-normaliser
 * `logSumExp` = log Σ exp(logit / temperature), both from the decoder graph: p = exp(logit / T − logSumExp).
 * Undefined when the candidates run out before the nucleus is complete. The probabilities match
 * `warpLogits`' float64 ones to about 1e-15 relative (the normaliser is summed in ONNX Runtime's order, not
 * JavaScript's), so a draw can differ only when it falls that close to a boundary between two tokens.
 */
export function warpNucleus(
  values: ArrayLike<number>,
  ids: Int32Array,
  logSumExp: number,
  params: SamplingParams,
): Candidates | undefined {
  const { topP, temperature } = params;
  const probs = new Float64Array(ids.length);
  let above = 0;
  let keep = 0;
  while (keep < ids.length && (keep === 0 || above < topP)) {
    const p = Math.exp(values[keep]! / temperature - logSumExp);
    probs[keep++] = p;
    above += p;
  }
  if (above < topP) return undefined;
  return renormalized(ids.subarray(0, keep), probs.subarray(0, keep));
}

/** Inverse-CDF draw: `u` in [0, 1) picks a candidate, walking them in their fixed order. */
export function sampleCandidate(candidates: Candidates, u: number): number {
  const { ids, probs } = candidates;
  let cumulative = 0;
  for (let i = 0; i < ids.length; i++) {
    cumulative += probs[i]!;
    if (u < cumulative) return ids[i]!;
  }
  // Rounding can leave the total a hair below 1; the draw then belongs to the last token with mass.
  for (let i = ids.length - 1; i >= 0; i--) if (probs[i]! > 0) return ids[i]!;
  return ids[0]!;
}

/** Softmax of `values / temperature` in float64, summed in the given order. */
function softmaxOf(values: ArrayLike<number>, temperature: number): Float64Array {
  const probs = new Float64Array(values.length);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]! / temperature);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const p = Math.exp(values[i]! / temperature - max);
    probs[i] = p;
    total += p;
  }
  for (let i = 0; i < values.length; i++) probs[i]! /= total;
  return probs;
}

/**
 * HF's TopPLogitsWarper removes a token when the ascending cumulative probability up to and including it
 * is <= 1 - topP, keeping at least one. In most-likely-first order that keeps a token exactly when the mass
 * strictly above it is < topP: a prefix of the sorted candidates.
 */
function topPFilter(ids: Int32Array, probs: Float64Array, topP: number): Candidates {
  if (topP >= 1) return { ids, probs };
  let above = 0;
  let keep = 0;
  while (keep < ids.length && (keep === 0 || above < topP)) above += probs[keep++]!;
  return renormalized(ids.subarray(0, keep), probs.subarray(0, keep));
}

function renormalized(ids: Int32Array, probs: Float64Array): Candidates {
  let total = 0;
  for (const p of probs) total += p;
  return { ids: ids.slice(), probs: probs.map((p) => p / total) };
}

function logNormalizer(logits: ArrayLike<number>, temperature: number): { max: number; total: number } {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / temperature);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += Math.exp(logits[i]! / temperature - max);
  return { max, total };
}

/** Top-p over the whole vocabulary without sorting it: grow a top-m prefix until it holds topP mass. */
function nucleusOfFullRow(logits: ArrayLike<number>, topP: number, temperature: number): Candidates {
  const { max, total } = logNormalizer(logits, temperature);
  for (let m = Math.min(256, logits.length); ; m = Math.min(m * 4, logits.length)) {
    const ids = topKIndices(logits, m);
    const probs = ids.length > 0 ? new Float64Array(ids.length) : new Float64Array(0);
    let above = 0;
    let keep = 0;
    while (keep < ids.length && (keep === 0 || above < topP)) {
      const p = Math.exp(logits[ids[keep]!]! / temperature - max) / total;
      probs[keep++] = p;
      above += p;
    }
    // The prefix is final once the mass above the next token reached topP, or the whole row is in hand.
    if (above >= topP || m >= logits.length)
      return renormalized(ids.subarray(0, keep), probs.subarray(0, keep));
  }
}

/** No truncation: the whole vocabulary in index order (sorting 250k logits would buy nothing). */
function fullDistribution(logits: ArrayLike<number>, temperature: number): Candidates {
  const ids = Int32Array.from({ length: logits.length }, (_, i) => i);
  return { ids, probs: softmaxOf(logits, temperature) };
}
