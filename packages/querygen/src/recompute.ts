import type { EncoderState, OnnxSeq2Seq } from "./onnx-seq2seq.js";
import { logitsOf } from "./onnx-seq2seq.js";
import type { StepModel, StepOutput } from "./step-model.js";

/** State of full-recompute decoding: the encoder output and each row's decoder prefix. */
export interface PrefixState {
  encoded: EncoderState;
  prefixes: number[][];
}

/**
 * Decoding without a KV cache: every step re-runs the decoder over the whole prefix (what HF does with
 * use_cache=False). It is the reference the cache is checked against and the benchmark's naive anchor.
 */
export function withoutCache(model: OnnxSeq2Seq): StepModel<PrefixState> {
  const step = async (encoded: EncoderState, prefixes: number[][]): Promise<StepOutput<PrefixState>> => ({
    ...logitsOf(await model.forward(encoded, prefixes)),
    cache: { encoded, prefixes },
  });
  return {
    start: async (prompts) =>
      step(
        await model.encode(prompts),
        prompts.map(() => [model.decoderStartId]),
      ),
    next: (state, tokens) =>
      step(
        state.encoded,
        state.prefixes.map((prefix, i) => [...prefix, tokens[i]!]),
      ),
    select: (state, rows) => ({
      encoded: model.selectEncoder(state.encoded, rows),
      prefixes: rows.map((r) => state.prefixes[r]!),
    }),
  };
}
