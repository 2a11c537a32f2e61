import { BeamSearch } from "./beam.js";
import { createRng, type Rng } from "./rng.js";
import {
  type Candidates,
  type SamplingParams,
  sampleCandidate,
  warpLogits,
  warpNucleus,
  warpTop,
} from "./sampling.js";
import {
  isIdentity,
  type StepModel,
  type StepOutput,
  type StepRequest,
  type TopCandidates,
} from "./step-model.js";
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
const NUCLEUS_CANDIDATES = 256;

function candidatesFor(s: DecodeSettings): StepRequest | undefined {
  if (s.strategy === "greedy") return { k: 1 };
  if (s.strategy !== "sample") return undefined;
  const { topK, topP, temperature } = s.sampling;
  if (topK > 0) return { k: topK + 1 };
  // Top-p over the whole vocabulary: the 256 most likely and the row's normaliser (the nucleus of a
  // trained model's step is rarely wider; a wider one takes the full logits for that step).
  if (topP < 1) return { k: NUCLEUS_CANDIDATES, normalise: { temperature } };
  return undefined;
}

/**
 * Per sequence j, what the graph's candidates give: greedy its token, sampling the distribution to draw from;
 * undefined when one live row needs its full logits: its (topK+1)-th candidate ties its topK-th (more tied
 * logits may lie past the k returned), or its top-p nucleus is not complete within the k returned.
 */
function chooseFromTop(
  top: TopCandidates,
  seqs: readonly Running[],
  rows: readonly number[],
  s: DecodeSettings,
): Array<number | Candidates | undefined> | undefined {
  const out: Array<number | Candidates | undefined> = [];
  const { topK } = s.sampling;
  for (let j = 0; j < seqs.length; j++) {
    if (seqs[j]!.eos || rows[j]! < 0) {
      out.push(undefined);
      continue;
    }
    const from = rows[j]! * top.k;
    if (s.strategy !== "sample") {
      out.push(top.indices[from]!);
    } else if (topK > 0) {
      if (top.k <= topK || top.values[from + topK] === top.values[from + topK - 1]) return undefined;
      out.push(
        warpTop(top.values.subarray(from, from + topK), top.indices.subarray(from, from + topK), s.sampling),
      );
    } else {
      const nucleus = warpNucleus(
        top.values.subarray(from, from + top.k),
        top.indices.subarray(from, from + top.k),
        top.logSumExp![rows[j]!]!,
        s.sampling,
      );
      if (!nucleus) return undefined;
      out.push(nucleus);
    }
  }
  return out;
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
    // Each row's choice from the graph's candidates; the full logits when one row's cannot be made from them.
    const chosen = out.top ? chooseFromTop(out.top, seqs, rows, s) : undefined;
    if (out.top && !chosen) out = { ...out, logits: await out.fullLogits!(), top: undefined };
    seqs.forEach((seq, j) => {
      if (seq.eos || rows[j]! < 0) return;
      let token: number;
      const choice = chosen?.[j];
      if (choice !== undefined) {
        token = typeof choice === "number" ? choice : sampleCandidate(choice, seq.rng!.nextFloat());
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
