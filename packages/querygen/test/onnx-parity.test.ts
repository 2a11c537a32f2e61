import { fixtureDir, goldens, type Mt5Goldens } from "@xqg/fixtures";
import { ensureModel, loadModelConfig } from "@xqg/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DecodeSettings, decodeBatch } from "../src/decode.js";
import { OnnxSeq2Seq } from "../src/onnx-seq2seq.js";
import { decodeSettings } from "../src/options.js";
import { withoutCache } from "../src/recompute.js";

let g: Mt5Goldens;
let merged: OnnxSeq2Seq;
let split: OnnxSeq2Seq;

beforeAll(async () => {
  g = await goldens("tiny-mt5");
  const config = await loadModelConfig(fixtureDir("tiny-mt5"));
  merged = await OnnxSeq2Seq.open(await ensureModel(fixtureDir("tiny-mt5")), config);
  split = await OnnxSeq2Seq.open(await ensureModel(fixtureDir("tiny-mt5-split")), config);
});

afterAll(async () => {
  await merged.close();
  await split.close();
});

const greedy = (maxNewTokens: number, eos: number): DecodeSettings =>
  decodeSettings({ strategy: "greedy", maxLength: maxNewTokens + 1 }, { eosIds: [eos], padId: 0 });

const requests = () => g.generation.prompts.map((p, i) => ({ ids: p.input_ids, key: [String(i)] }));

describe("tiny-mt5 against the PyTorch goldens (computed without KV cache)", () => {
  it("uses the merged decoder and the split pair", () => {
    expect(merged.form).toBe("merged");
    expect(split.form).toBe("split");
  });

  for (const [name, pick] of [
    ["merged decoder, KV cache", () => merged],
    ["split decoders, KV cache", () => split],
    ["merged decoder, full recompute", () => withoutCache(merged)],
  ] as const) {
    it(`greedy tokens equal the goldens exactly: ${name}, all prompts in one batch`, async () => {
      const out = await decodeBatch(
        pick() as never,
        requests(),
        greedy(g.generation.max_new_tokens, g.special_tokens.eos),
      );
      expect(out.map((s) => s[0]!.tokens)).toEqual(g.generation.prompts.map((p) => p.output_ids));
    });
  }

  it("greedy tokens equal the goldens one prompt at a time", async () => {
    for (const [i, request] of requests().entries()) {
      const [seqs] = await decodeBatch(
        merged,
        [request],
        greedy(g.generation.max_new_tokens, g.special_tokens.eos),
      );
      expect(seqs![0]!.tokens).toEqual(g.generation.prompts[i]!.output_ids);
    }
  });

  for (const [name, pick] of [
    ["merged", () => merged],
    ["split", () => split],
  ] as const) {
    it(`step logits through the KV cache are within 1e-4 of the goldens (${name})`, async () => {
      let checked = 0;
      for (const { prompt_index, steps } of g.step_logits) {
        const model = pick();
        let out = await model.start([g.generation.prompts[prompt_index]!.input_ids]);
        for (const [s, step] of steps.entries()) {
          if (s > 0) out = await model.next(out.cache, [step.decoder_input_ids.at(-1)!]);
          expect(step.decoder_input_ids).toHaveLength(s + 1);
          const row = out.logits.subarray(0, out.vocabSize);
          for (const [id, value] of step.top) expect(Math.abs(row[id]! - value)).toBeLessThan(1e-4);
          if (step.full) {
            expect(row.length).toBe(step.full.length);
            const maxDiff = step.full.reduce((m, v, i) => Math.max(m, Math.abs(row[i]! - v)), 0);
            expect(maxDiff).toBeLessThan(1e-4);
          }
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(5);
    });
  }
});

describe("tiny-mt5: cache bookkeeping", () => {
  const sample = (numReturn: number): DecodeSettings =>
    decodeSettings(
      { strategy: "sample", perLanguage: numReturn, seed: 5, maxLength: 25 },
      { eosIds: [g.special_tokens.eos], padId: 0 },
    );

  it("runs the encoder once per prompt, not once per returned sequence", async () => {
    const before = { ...merged.stats };
    await decodeBatch(merged, requests(), sample(5));
    expect(merged.stats.encoderRows - before.encoderRows).toBe(g.generation.prompts.length);
    expect(merged.stats.encoderCalls - before.encoderCalls).toBe(1);
  });

  it("merged and split forms give identical samples and beams", async () => {
    for (const settings of [sample(4), { ...sample(3), strategy: "beam" as const, numBeams: 4 }]) {
      const a = await decodeBatch(merged, requests(), settings);
      const b = await decodeBatch(split, requests(), settings);
      expect(b.map((s) => s.map((x) => x.tokens))).toEqual(a.map((s) => s.map((x) => x.tokens)));
    }
  });

  it("KV cache and full recompute give identical samples and beams", async () => {
    for (const settings of [sample(3), { ...sample(2), strategy: "beam" as const, numBeams: 3 }]) {
      const a = await decodeBatch(merged, requests(), settings);
      const b = await decodeBatch(withoutCache(merged), requests(), settings);
      expect(b.map((s) => s.map((x) => x.tokens))).toEqual(a.map((s) => s.map((x) => x.tokens)));
    }
  });

  it("drop and pad policies give identical samples", async () => {
    const a = await decodeBatch(merged, requests(), sample(5));
    const b = await decodeBatch(merged, requests(), { ...sample(5), finished: "pad" });
    expect(b).toEqual(a);
    expect(new Set(a.flat().map((s) => s.tokens.length)).size).toBeGreaterThan(1);
  });
});
