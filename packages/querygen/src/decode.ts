import { BeamSearch } from "./beam.js";
import { createRng, type Rng } from "./rng.js";
import { type SamplingParams, sampleCandidate, warpLogits, warpTop } from "./sampling.js";
import { isIdentity, type StepModel, type StepOutput, type StepRequest } from "./step-model.js";
import { argmax } from "./top-k.js";

export type Strategy = "greedy" | "sample" | "beam";

/** What to do with a sequence that has emitted EOS while others in its batch go on. */
export type FinishedPolicy = "drop" | "pad";

export interface DecodeSettings {
  strategy: Strategy;
  /** Sequences per prompt (HF num_return_sequences); 1 for greedy. */
  numReturn: number;
  /** Decoder length including the decoder start token, as HF's max_length for encoder-decoders. */
  maxLength: number;
  eosIds: readonly number[];
  padId: number;
  seed: number;
  sampling: SamplingParams;
  numBeams: number;
  lengthPenalty: number;
  earlyStopping: boolean;
  finished: FinishedPolicy;
  /**
   * Sampling only: decode samples `from` … `from + count − 1` of each prompt (their random streams are keyed by
   * the sample index, so a prompt's samples split over several calls are the samples of one call).
   */
  sampleRange?: { from: number; count: number };
}

/** One prompt to decode; `key` names its random streams (with the seed and the sample index). */
export interface PromptRequest {
  ids: readonly number[];
  key: ReadonlyArray<string>;
}

export interface GeneratedSequence {
  /** Generated token ids, without the decoder start token; ends with the EOS id when `eos`. */
  tokens: number[];
  eos: boolean;
  /** Beam search only: the length-penalised sum of log-probabilities. */
  score?: number;
}

/** Decodes a batch of prompts; returns, in prompt order, `numReturn` sequences per prompt. */
export async function decodeBatch<C>(
  model: StepModel<C>,
  requests: readonly PromptRequest[],
  settings: DecodeSettings,
): Promise<GeneratedSequence[][]> {
  if (requests.length === 0) return [];
  if (settings.maxLength <= 1) {
    const count =
      settings.strategy === "sample"
        ? (settings.sampleRange?.count ?? settings.numReturn)
        : settings.numReturn;
    return requests.map(() => Array.from({ length: count }, () => ({ tokens: [], eos: false })));
  }
  return settings.strategy === "beam"
    ? decodeBeams(model, requests, settings)
    : decodeIndependent(model, requests, settings);
}

interface Running {
  tokens: number[];
  eos: boolean;
  rng: Rng | undefined;
}

/**
 * The candidates greedy and top-k sampling need from a step, when the model can choose them in its graph:
 * greedy the best (k = 1: the largest logit, lowest index on ties, as `argmax`); top-k sampling topK + 1, the
 * extra one telling whether ties with the k-th logit (which Hugging Face keeps) may run past the k returned.
 * Sampling without top-k (the whole vocabulary or top-p over it) needs the full row: no request.
 */
function candidatesFor(s: DecodeSettings): StepRequest | undefined {
  if (s.strategy === "greedy") return { k: 1 };
  if (s.strategy === "sample" && s.sampling.topK > 0) return { k: s.sampling.topK + 1 };
  return undefined;
}

/** Whether row `row`'s (topK+1)-th candidate ties its topK-th: more tied logits may lie beyond the k returned. */
function tiesOverflow(top: { k: number; values: Float32Array }, row: number, s: DecodeSettings): boolean {
  if (s.strategy !== "sample") return false;
  const kept = s.sampling.topK;
  if (top.k <= kept) return top.k < kept;
  const from = row * top.k;
  return top.values[from + kept] === top.values[from + kept - 1];
}

function rowOf(out: StepOutput<unknown>, row: number): Float32Array {
  return out.logits.subarray(row * out.vocabSize, (row + 1) * out.vocabSize);
}

/**
 * Greedy and sampling: every sequence is independent. Each prompt's first step runs once and is then
 * expanded to its numReturn sequences by selecting its cache row several times.
 */
async function decodeIndependent<C>(
  model: StepModel<C>,
  requests: readonly PromptRequest[],
  s: DecodeSettings,
): Promise<GeneratedSequence[][]> {
  const perPrompt = s.strategy === "greedy" ? 1 : (s.sampleRange?.count ?? s.numReturn);
  const firstSample = s.strategy === "sample" ? (s.sampleRange?.from ?? 0) : 0;
  const seqs: Running[] = [];
  // rows[j]: the row of the current logits (and cache) that belongs to sequence j; -1 when not in the batch.
  const rows: number[] = [];
  requests.forEach((request, p) => {
    for (let i = 0; i < perPrompt; i++) {
      const rng = s.strategy === "sample" ? createRng(s.seed, ...request.key, firstSample + i) : undefined;
      seqs.push({ tokens: [], eos: false, rng });
      rows.push(p);
    }
  });
  const request = candidatesFor(s);
  let out = await model.start(
    requests.map((r) => r.ids),
    request,
  );
  let cacheRows = requests.length;
  for (let length = 1; length < s.maxLength; length++) {
    // Candidates from the graph, unless a row's ties with its k-th logit run past them (then the full logits).
    const top =
      out.top && !seqs.some((seq, j) => !seq.eos && rows[j]! >= 0 && tiesOverflow(out.top!, rows[j]!, s))
        ? out.top
        : undefined;
    if (out.top && !top) out = { ...out, logits: await out.fullLogits!(), top: undefined };
    seqs.forEach((seq, j) => {
      if (seq.eos || rows[j]! < 0) return;
      let token: number;
      if (top) {
        const from = rows[j]! * top.k;
        token = seq.rng
          ? sampleCandidate(
              warpTop(
                top.values.subarray(from, from + s.sampling.topK),
                top.indices.subarray(from, from + s.sampling.topK),
                s.sampling,
              ),
              seq.rng.nextFloat(),
            )
          : top.indices[from]!;
      } else {
        const logits = rowOf(out, rows[j]!);
        token = seq.rng
          ? sampleCandidate(warpLogits(logits, s.sampling), seq.rng.nextFloat())
          : argmax(logits);
      }
      seq.tokens.push(token);
      seq.eos = s.eosIds.includes(token);
    });
    if (length + 1 >= s.maxLength) break;
    const batch = seqs.flatMap((seq, j) => (s.finished === "drop" && seq.eos ? [] : [j]));
    if (batch.every((j) => seqs[j]!.eos)) break;
    const sources = batch.map((j) => rows[j]!);
    const cache = isIdentity(sources, cacheRows) ? out.cache : model.select(out.cache, sources);
    rows.fill(-1);
    batch.forEach((j, k) => {
      rows[j] = k;
    });
    cacheRows = batch.length;
    out = await model.next(
      cache,
      batch.map((j) => (seqs[j]!.eos ? s.padId : seqs[j]!.tokens.at(-1)!)),
      request,
    );
  }
  const result: GeneratedSequence[][] = [];
  for (let p = 0; p < requests.length; p++) {
    result.push(seqs.slice(p * perPrompt, (p + 1) * perPrompt).map(({ tokens, eos }) => ({ tokens, eos })));
  }
  return result;
}

/** Beam search: each prompt's beams sit in consecutive rows; finished prompts leave the batch. */
async function decodeBeams<C>(
  model: StepModel<C>,
  requests: readonly PromptRequest[],
  s: DecodeSettings,
): Promise<GeneratedSequence[][]> {
  const searches = requests.map(
    () =>
      new BeamSearch({
        numBeams: s.numBeams,
        numReturn: s.numReturn,
        lengthPenalty: s.lengthPenalty,
        earlyStopping: s.earlyStopping,
        eosIds: s.eosIds,
      }),
  );
  // The width best continuations of each beam and its row's log-normaliser, from the graph where it can.
  const request: StepRequest = { k: searches[0]!.width, normalise: { temperature: 1 } };
  let out = await model.start(
    requests.map((r) => r.ids),
    request,
  );
  let firstRow = requests.map((_, p) => p);
  let cacheRows = requests.length;
  for (let length = 1; length < s.maxLength; length++) {
    const sources: number[] = [];
    const tokens: number[] = [];
    const nextFirstRow = firstRow.map(() => -1);
    searches.forEach((search, p) => {
      if (search.done) return;
      const base = firstRow[p]!;
      const top = out.top;
      const step = top?.logSumExp
        ? search.stepFrom((beam) => {
            const from = (base + beam) * top.k;
            return {
              ids: top.indices.subarray(from, from + top.k),
              values: top.values.subarray(from, from + top.k),
              logSumExp: top.logSumExp![base + beam]!,
              vocabSize: out.vocabSize,
            };
          })
        : search.step((beam) => rowOf(out, base + beam));
      nextFirstRow[p] = sources.length;
      for (const parent of step.parents) sources.push(base + parent);
      tokens.push(...step.tokens);
    });
    if (length + 1 >= s.maxLength || sources.length === 0) break;
    const cache = isIdentity(sources, cacheRows) ? out.cache : model.select(out.cache, sources);
    cacheRows = sources.length;
    firstRow = nextFirstRow;
    out = await model.next(cache, tokens, request);
  }
  return searches.map((search) => search.result().map(({ tokens, score, eos }) => ({ tokens, eos, score })));
}
