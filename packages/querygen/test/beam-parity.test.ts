import { type BeamGoldens, beamGoldens, fixtureDir, goldens, type Mt5Goldens } from "@xqg/fixtures";
import { ensureModel, loadModelConfig } from "@xqg/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBatch } from "../src/decode.js";
import { createGenerator } from "../src/generator.js";
import { OnnxSeq2Seq } from "../src/onnx-seq2seq.js";
import { decodeSettings } from "../src/options.js";
import { withoutCache } from "../src/recompute.js";

// @huggingface/transformers (the other reference of these tests) cannot serve here: its generate() (4.3.1)
// takes the first token of each step whatever num_beams is ("TODO: Support beam search" in modeling_utils.js).
// The reference is a beam search written in PyTorch from Hugging Face's definition, run on the fixture's own
// weights (tooling/fixtures/builder/beam_reference.py, beam_goldens.json).

let g: Mt5Goldens;
let beam: BeamGoldens;
let merged: OnnxSeq2Seq;

beforeAll(async () => {
  g = await goldens("tiny-mt5");
  beam = await beamGoldens();
  merged = await OnnxSeq2Seq.open(
    await ensureModel(fixtureDir("tiny-mt5")),
    await loadModelConfig(fixtureDir("tiny-mt5")),
  );
});
afterAll(async () => {
  await merged.close();
});

const settingsOf = (c: BeamGoldens["cases"][number]) =>
  decodeSettings(
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
const label = (c: BeamGoldens["cases"][number]) =>
  `numBeams ${c.num_beams}, return ${c.num_return_sequences}, lengthPenalty ${c.length_penalty}, earlyStopping ${c.early_stopping}, maxLength ${c.max_length}`;

describe("beam search on tiny-mt5 against the PyTorch reference (HF semantics)", () => {
  it("covers finished and unfinished hypotheses, early stopping and length penalties", () => {
    expect(beam.cases).toHaveLength(5);
    expect(beam.decoder_start).toBe(g.special_tokens.decoder_start);
    const all = beam.cases.flatMap((c) => c.prompts.flatMap((p) => p.sequences));
    expect(all.some((s) => s.eos)).toBe(true);
    expect(all.some((s) => !s.eos)).toBe(true);
    for (const c of beam.cases) {
      expect(c.prompts.map((p) => p.prompt_index)).toEqual(g.generation.prompts.map((_, i) => i));
      for (const p of c.prompts) expect(p.sequences).toHaveLength(c.num_return_sequences);
    }
  });

  // the full recompute path re-runs the decoder over every prefix: only the short case, to keep the file fast
  for (const [name, cached, cases] of [
    ["KV cache, all prompts in one batch", true, [0, 1, 2, 3, 4]],
    ["full recompute, all prompts in one batch", false, [4]],
  ] as const) {
    it(`returns the reference's hypotheses: tokens and EOS exactly, scores within 1e-4 (${name}, cases ${cases.join(", ")})`, async () => {
      const model = cached ? merged : withoutCache(merged);
      const requests = g.generation.prompts.map((p, i) => ({ ids: p.input_ids, key: [String(i)] }));
      for (const c of cases.map((i) => beam.cases[i]!)) {
        const out = await decodeBatch(model as never, requests, settingsOf(c));
        for (const p of c.prompts) {
          const got = out[p.prompt_index]!;
          const where = `${label(c)}, prompt ${p.prompt_index}`;
          expect(
            got.map((s) => ({ tokens: s.tokens, eos: s.eos })),
            where,
          ).toEqual(p.sequences.map((s) => ({ tokens: s.tokens, eos: s.eos })));
          got.forEach((s, i) => {
            expect(Math.abs(s.score! - p.sequences[i]!.score), `${where}, hypothesis ${i}`).toBeLessThan(
              1e-4,
            );
          });
        }
      }
    });
  }

  it("one prompt at a time gives the same hypotheses as the batch", async () => {
    const c = beam.cases[0]!;
    for (const p of c.prompts) {
      const [got] = await decodeBatch(
        merged,
        [{ ids: g.generation.prompts[p.prompt_index]!.input_ids, key: ["x"] }],
        settingsOf(c),
      );
      expect(got!.map((s) => s.tokens)).toEqual(p.sequences.map((s) => s.tokens));
    }
  });

  it("the Generator's beam strategy returns the reference's texts (decoded, special tokens skipped)", async () => {
    const generator = await createGenerator(fixtureDir("tiny-mt5"), { session: { threads: 1 } });
    try {
      const c = beam.cases[0]!;
      const texts = await generator.complete(
        g.generation.prompts.map((p) => p.prompt),
        {
          strategy: "beam",
          numBeams: c.num_beams,
          perLanguage: c.num_return_sequences,
          maxLength: c.max_length,
        },
      );
      expect(texts.map((seqs) => seqs.map((s) => s.tokens))).toEqual(
        c.prompts.map((p) => p.sequences.map((s) => s.tokens)),
      );
    } finally {
      await generator.close();
    }
  });
});
