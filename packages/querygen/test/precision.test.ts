import { type BeamGoldens, beamGoldens, fixtureDir, goldens, type Mt5Goldens } from "@xqg/fixtures";
import { ensureModel, loadModelConfig } from "@xqg/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DecodeSettings, decodeBatch } from "../src/decode.js";
import { createGenerator } from "../src/generator.js";
import { OnnxSeq2Seq } from "../src/onnx-seq2seq.js";
import { decodeSettings } from "../src/options.js";
import { withoutCache } from "../src/recompute.js";

// tiny-mt5's float16 and int8 variants (tooling/fixtures/builder/build_precision.py: `*_fp16.onnx` with float16
// inputs, outputs and weights as `optimum-cli export onnx --fp16` writes them; `*_quantized.onnx` with
// DynamicQuantizeLinear + MatMulInteger as quantize_dynamic lays them out). ONNX Runtime's Python package, the
// natural reference for them, is not installed here: the float16 model is held to the float32 model's PyTorch
// goldens, the int8 one to its own pinned output (ONNX Runtime 1.23.2, CPU) plus its measured agreement with them.
// Every test runs on Node 22 and on Node 24, where ORT's Tensor wraps float16 data in a Float16Array.

let g: Mt5Goldens;
let beam: BeamGoldens;
let fp32: OnnxSeq2Seq;
let fp16: OnnxSeq2Seq;
let int8: OnnxSeq2Seq;

const open = async (opts: { variant?: string; quantized?: boolean }, selection?: "js" | "graph") =>
  OnnxSeq2Seq.open(
    await ensureModel(fixtureDir("tiny-mt5"), { task: "seq2seq", ...opts }),
    await loadModelConfig(fixtureDir("tiny-mt5")),
    selection ? { selection } : {},
  );

beforeAll(async () => {
  g = await goldens("tiny-mt5");
  beam = await beamGoldens();
  fp32 = await open({});
  fp16 = await open({ variant: "fp16" });
  int8 = await open({ quantized: true });
});
afterAll(async () => {
  for (const model of [fp32, fp16, int8]) await model.close();
});

const greedy = (): DecodeSettings =>
  decodeSettings(
    { strategy: "greedy", maxLength: g.generation.max_new_tokens + 1 },
    { eosIds: [g.special_tokens.eos], padId: 0 },
  );
const sample = (): DecodeSettings =>
  decodeSettings(
    { strategy: "sample", topK: 50, perLanguage: 3, seed: 11, maxLength: 21 },
    { eosIds: [g.special_tokens.eos], padId: 0 },
  );
const requests = () => g.generation.prompts.map((p, i) => ({ ids: p.input_ids, key: [String(i)] }));
const tokensOf = async (model: Parameters<typeof decodeBatch>[0], settings = greedy()) =>
  (await decodeBatch(model, requests(), settings)).map((s) => s.map((x) => x.tokens));

/** Positions (over the longer of each pair) where two token lists agree, and all positions. */
function agreement(a: number[][], b: number[][]): { equal: number; total: number } {
  let equal = 0;
  let total = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    for (let j = 0; j < Math.max(x.length, y.length); j++) {
      total++;
      if (x[j] === y[j]) equal++;
    }
  });
  return { equal, total };
}

describe("tiny-mt5 in float16 (encoder_model_fp16.onnx + decoder_model_merged_fp16.onnx)", () => {
  it("opens with a float16 KV cache and the token choice in the graph", () => {
    expect(fp16.floatType).toBe("float16");
    expect(fp16.selection).toBe("graph");
    expect(fp32.floatType).toBe("float32");
  });

  it("gives the float32 model's PyTorch greedy goldens exactly: graph choice, JavaScript choice, full recompute", async () => {
    const want = g.generation.prompts.map((p) => [p.output_ids]);
    const js = await open({ variant: "fp16" }, "js");
    try {
      expect(js.selection).toBe("js");
      expect(await tokensOf(fp16)).toEqual(want);
      expect(await tokensOf(js)).toEqual(want);
      expect(await tokensOf(withoutCache(fp16))).toEqual(want);
    } finally {
      await js.close();
    }
  });

  it("keeps its step logits within 0.02 of the float32 goldens (float16 rounding of logits up to ~20)", async () => {
    let worst = 0;
    for (const { prompt_index, steps } of g.step_logits) {
      let out = await fp16.start([g.generation.prompts[prompt_index]!.input_ids]);
      for (const [s, step] of steps.entries()) {
        if (s > 0) out = await fp16.next(out.cache, [step.decoder_input_ids.at(-1)!]);
        // the graph's candidates: the 20 largest in the goldens' order, values within the tolerance
        const row = out.logits.length > 0 ? out.logits.subarray(0, out.vocabSize) : await out.fullLogits!();
        for (const [id, value] of step.top) worst = Math.max(worst, Math.abs(row[id]! - value));
      }
    }
    expect(worst).toBeLessThan(0.02);
    expect(worst).toBeGreaterThan(0); // float16 really is in use
  });

  it("split decoders (decoder + decoder with past, tiny-mt5-split): the same greedy goldens and samples", async () => {
    const split = await OnnxSeq2Seq.open(
      await ensureModel(fixtureDir("tiny-mt5-split"), { task: "seq2seq", variant: "fp16" }),
      await loadModelConfig(fixtureDir("tiny-mt5-split")),
    );
    try {
      expect([split.form, split.floatType, split.selection]).toEqual(["split", "float16", "graph"]);
      expect(await tokensOf(split)).toEqual(g.generation.prompts.map((p) => [p.output_ids]));
      expect(await tokensOf(split, sample())).toEqual(await tokensOf(fp16, sample()));
    } finally {
      await split.close();
    }
  });

  it("samples the same tokens with the choice in the graph and in JavaScript (same seeds)", async () => {
    const js = await open({ variant: "fp16" }, "js");
    try {
      expect(await tokensOf(fp16, sample())).toEqual(await tokensOf(js, sample()));
    } finally {
      await js.close();
    }
  });

  it("beam search (rows of the float16 cache gathered between steps) finds the float32 PyTorch beams but one near tie", async () => {
    const c = beam.cases[0]!;
    const settings = decodeSettings(
      {
        strategy: "beam",
        numBeams: c.num_beams,
        perLanguage: c.num_return_sequences,
        lengthPenalty: c.length_penalty,
        earlyStopping: c.early_stopping,
        maxLength: c.max_length,
      },
      { eosIds: [beam.eos], padId: g.special_tokens.pad },
    );
    const out = await decodeBatch(fp16, requests(), settings);
    const want = c.prompts.map((p) => p.sequences.map((s) => s.tokens));
    const got = out.map((s) => s.map((x) => x.tokens));
    const same = got.flatMap((seqs, i) =>
      seqs.map((t, j) => JSON.stringify(t) === JSON.stringify(want[i]![j])),
    );
    // every prompt's best beam; 26 of the 28 returned sequences (the last prompt's 3rd and 4th, a near tie, swap)
    expect(got.map((seqs) => seqs[0])).toEqual(want.map((seqs) => seqs[0]));
    expect(same.filter(Boolean)).toHaveLength(26);
    expect(same.slice(-2)).toEqual([false, false]);
  });

  it("copies half the cache bytes of the float32 model per step", async () => {
    const cacheBytes = async (model: OnnxSeq2Seq) => {
      const before = model.stats.cacheBytes;
      await tokensOf(model);
      return model.stats.cacheBytes - before;
    };
    expect(await cacheBytes(fp16)).toBe((await cacheBytes(fp32)) / 2);
  });
});

describe("graphs of two exports", () => {
  it("a float32 encoder with a float16 decoder is refused when opened, in one line", async () => {
    const fp16Files = await ensureModel(fixtureDir("tiny-mt5"), { task: "seq2seq", variant: "fp16" });
    const fp32Files = await ensureModel(fixtureDir("tiny-mt5"), { task: "seq2seq" });
    const mixed = OnnxSeq2Seq.open(
      { encoder: fp32Files.encoder!, decoderMerged: fp16Files.decoderMerged! },
      await loadModelConfig(fixtureDir("tiny-mt5")),
    );
    await expect(mixed).rejects.toThrow(
      "the encoder's last_hidden_state is float32 but the decoder's encoder_hidden_states is float16: the graphs " +
        "come from different exports (float32 and --fp16?); use the encoder and decoder of one export",
    );
  });
});

describe("tiny-mt5 quantized to int8 (encoder_model_quantized.onnx + decoder_model_merged_quantized.onnx)", () => {
  // ONNX Runtime 1.23.2 on CPU, greedy, max 20 new tokens: pinned.
  const PINNED: number[][] = [
    [179, 354, 299, 83, 83, 3, 125, 52, 83, 3, 2997, 52, 83, 3, 2997, 52, 83, 64, 44, 3],
    [3, 384, 193, 110, 42, 49, 67, 110, 42, 49, 31, 3, 439, 270, 3, 439, 270, 3, 4, 1],
    [47, 190, 94, 3, 6, 14, 13, 51, 257, 3, 6, 14, 13, 51, 257, 3, 6, 14, 13, 4],
    [3, 712, 284, 761, 894, 1136, 1260, 111, 4, 1],
    [3, 452, 499, 98, 3, 452, 499, 328, 3, 452, 499, 98, 3, 452, 499, 328, 3, 489, 1470, 2195],
    [237, 426, 3, 137, 232, 157, 69, 141, 289, 3, 137, 232, 157, 69, 141, 289, 3, 137, 232, 157],
    [3, 234, 167, 35, 267, 60, 3, 2995, 35, 267, 60, 3, 2995, 35, 267, 60, 4, 1],
  ];
  // The first prompt alone: DynamicQuantizeLinear takes one scale per tensor, so a row's activations are
  // quantized with the scale of its whole batch and its tokens depend on the rows beside it.
  const ALONE = [179, 354, 299, 83, 83, 3, 2997, 52, 83, 83, 3, 2997, 52, 83, 44, 40, 83, 44, 40, 83];

  it("opens with a float32 cache (quantize_dynamic keeps the graphs' inputs and outputs float32)", () => {
    expect(int8.floatType).toBe("float32");
    expect(int8.selection).toBe("graph");
  });

  it("gives its pinned greedy tokens, with the graph's choice and JavaScript's", async () => {
    const js = await open({ quantized: true }, "js");
    try {
      const got = (await tokensOf(int8)).map((s) => s[0]!);
      expect(got).toEqual(PINNED);
      expect((await tokensOf(js)).map((s) => s[0]!)).toEqual(PINNED);
    } finally {
      await js.close();
    }
  });

  it("gives other tokens for a prompt decoded alone: one activation scale per batch", async () => {
    const [alone] = await decodeBatch(int8, requests().slice(0, 1), greedy());
    expect(alone![0]!.tokens).toEqual(ALONE);
    expect(ALONE).not.toEqual(PINNED[0]);
  });

  it("agrees with the float32 model's greedy goldens on 108 of 128 token positions (84%)", async () => {
    const got = (await tokensOf(int8)).map((s) => s[0]!);
    const share = agreement(
      got,
      g.generation.prompts.map((p) => p.output_ids),
    );
    expect(share).toEqual({ equal: 108, total: 128 });
  });

  it("opens through createGenerator's `quantized`, and fp16 through its `variant`", async () => {
    for (const opts of [{ quantized: true }, { variant: "fp16" }]) {
      const generator = await createGenerator(fixtureDir("tiny-mt5"), opts);
      try {
        const [first] = await generator.complete([g.generation.prompts[0]!.prompt], {
          strategy: "greedy",
          maxLength: 21,
        });
        expect(first![0]!.tokens).toEqual(opts.quantized ? ALONE : g.generation.prompts[0]!.output_ids);
      } finally {
        await generator.close();
      }
    }
  });
});
