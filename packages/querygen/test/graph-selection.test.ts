import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fixtureDir, goldens, type Mt5Goldens } from "@xqg/fixtures";
import { ensureModel, loadModelConfig, type ModelConfig } from "@xqg/models";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DecodeSettings, decodeBatch, type PromptRequest } from "../src/decode.js";
import { addSelection, SELECTION_NAMES, SelectionUnsupported } from "../src/graph-selection.js";
import { createGenerator, GenerationError } from "../src/index.js";
import { OnnxSeq2Seq } from "../src/onnx-seq2seq.js";
import { decodeSettings } from "../src/options.js";
import { warpLogits, warpNucleus } from "../src/sampling.js";
import type { StepModel, StepOutput, StepRequest } from "../src/step-model.js";
import { topKIndices } from "../src/top-k.js";
import { type FakeRow, fakeModel, hashedLogits } from "./fake-model.js";

let g: Mt5Goldens;
let config: ModelConfig;
const models: Record<string, OnnxSeq2Seq> = {};

beforeAll(async () => {
  g = await goldens("tiny-mt5");
  config = await loadModelConfig(fixtureDir("tiny-mt5"));
  for (const form of ["tiny-mt5", "tiny-mt5-split"] as const) {
    const files = await ensureModel(fixtureDir(form));
    for (const selection of ["js", "graph"] as const) {
      models[`${form}/${selection}`] = await OnnxSeq2Seq.open(files, config, { selection });
    }
  }
});

afterAll(async () => {
  for (const model of Object.values(models)) await model.close();
});

const requests = (): PromptRequest[] =>
  g.generation.prompts.map((p, i) => ({ ids: p.input_ids, key: [`p${i}`] }));

describe("addSelection: the decoder graph edited in memory", () => {
  it("adds the selection's inputs and outputs and keeps every original input and output", async () => {
    const file = join(fixtureDir("tiny-mt5"), "decoder_model_merged.onnx");
    const original = await ort.InferenceSession.create(file);
    const edited = await ort.InferenceSession.create(addSelection(await readFile(file)));
    const { k, normalise, temperature, values, indices, logSumExp } = SELECTION_NAMES;
    expect(edited.inputNames).toEqual([...original.inputNames, k, normalise, temperature]);
    expect(edited.outputNames).toEqual([...original.outputNames, values, indices, logSumExp]);
    await original.release();
    await edited.release();
  });

  it("refuses a graph without logits and a graph that already has the selection", async () => {
    const encoder = await readFile(join(fixtureDir("tiny-mt5"), "encoder_model.onnx"));
    expect(() => addSelection(encoder)).toThrow(
      new SelectionUnsupported('the graph has no output named "logits"'),
    );
    const decoder = addSelection(await readFile(join(fixtureDir("tiny-mt5"), "decoder_model_merged.onnx")));
    expect(() => addSelection(decoder)).toThrow(/^the graph already has a value named "xqg_/);
  });

  it("opens both forms with the selection by default, and without it on request", () => {
    for (const form of ["tiny-mt5", "tiny-mt5-split"]) {
      expect(models[`${form}/graph`]!.selection).toBe("graph");
      expect(models[`${form}/js`]!.selection).toBe("js");
    }
  });
});

describe("candidates from the graph equal the JavaScript path's, bit for bit", () => {
  for (const form of ["tiny-mt5", "tiny-mt5-split"]) {
    it(`${form}: top 51 values and indices at the first step and through the KV cache`, async () => {
      const js = models[`${form}/js`]!;
      const graph = models[`${form}/graph`]!;
      const prompts = requests().map((r) => r.ids);
      let a = await js.start(prompts);
      let b = await graph.start(prompts, { k: 51 });
      for (let step = 0; step < 4; step++) {
        expect(b.logits).toHaveLength(0);
        expect(b.top!.k).toBe(51);
        for (let r = 0; r < prompts.length; r++) {
          const row = a.logits.subarray(r * a.vocabSize, (r + 1) * a.vocabSize);
          const ids = topKIndices(row, 51).subarray(0, 51);
          expect(Array.from(b.top!.indices.subarray(r * 51, (r + 1) * 51))).toEqual(Array.from(ids));
          expect(Array.from(b.top!.values.subarray(r * 51, (r + 1) * 51))).toEqual(
            Array.from(ids, (i) => row[i]!),
          );
        }
        // The full logits on demand (ties past k) are the JavaScript path's.
        expect(await b.fullLogits!()).toEqual(a.logits);
        const tokens = prompts.map((_, r) => b.top!.indices[r * 51 + step]!);
        a = await js.next(a.cache, tokens);
        b = await graph.next(b.cache, tokens, { k: 51 });
      }
    });
  }

  for (const form of ["tiny-mt5", "tiny-mt5-split"]) {
    it(`${form}: the float64 log-normaliser is within 1e-12 of JavaScript's (temperatures 1 and 0.7)`, async () => {
      const js = models[`${form}/js`]!;
      const graph = models[`${form}/graph`]!;
      const prompts = requests().map((r) => r.ids);
      const a = await js.start(prompts);
      let worst = 0;
      for (const temperature of [1, 0.7]) {
        const b = await graph.start(prompts, { k: 4, normalise: { temperature } });
        expect(b.top!.logSumExp).toHaveLength(prompts.length);
        for (let r = 0; r < prompts.length; r++) {
          const row = a.logits.subarray(r * a.vocabSize, (r + 1) * a.vocabSize);
          let max = Number.NEGATIVE_INFINITY;
          for (const v of row) max = Math.max(max, v / temperature);
          let total = 0;
          for (const v of row) total += Math.exp(v / temperature - max);
          worst = Math.max(worst, Math.abs(b.top!.logSumExp![r]! - (max + Math.log(total))));
        }
      }
      expect(worst).toBeLessThan(1e-12);
    });
  }

  it("copies k candidates per row instead of the vocabulary's logits", async () => {
    const graph = models["tiny-mt5/graph"]!;
    const js = models["tiny-mt5/js"]!;
    const settings = decodeSettings(
      { strategy: "sample", perLanguage: 5, seed: 3, maxLength: 9 },
      { eosIds: [], padId: 0 },
    );
    const before = { graph: graph.stats.scoreBytes, js: js.stats.scoreBytes };
    await decodeBatch(graph, requests().slice(0, 2), settings);
    await decodeBatch(js, requests().slice(0, 2), settings);
    // 2 prompts at the first step, then 10 rows for 7 steps: (2 + 70) rows × (k 51 × (4 + 8) bytes | 3,008 × 4 bytes)
    expect(graph.stats.scoreBytes - before.graph).toBe(72 * 51 * 12);
    expect(js.stats.scoreBytes - before.js).toBe(72 * 3008 * 4);
  });
});

describe("decodeBatch: the same tokens from the graph as from JavaScript", () => {
  const eos = () => [g.special_tokens.eos];
  const cases: Array<[string, () => DecodeSettings]> = [
    [
      "greedy (the PyTorch goldens)",
      () =>
        decodeSettings(
          { strategy: "greedy", maxLength: g.generation.max_new_tokens + 1 },
          { eosIds: eos(), padId: 0 },
        ),
    ],
    [
      "sampling, top-k 50 (the defaults)",
      () => decodeSettings({ seed: 11, maxLength: 24 }, { eosIds: eos(), padId: 0 }),
    ],
    [
      "sampling, top-k 10, temperature 0.7",
      () =>
        decodeSettings({ seed: 12, topK: 10, temperature: 0.7, maxLength: 24 }, { eosIds: eos(), padId: 0 }),
    ],
    [
      "sampling, top-k 50 then top-p 0.9, temperature 1.3",
      () =>
        decodeSettings({ seed: 13, topP: 0.9, temperature: 1.3, maxLength: 24 }, { eosIds: eos(), padId: 0 }),
    ],
    [
      "sampling, top-k 1",
      () =>
        decodeSettings({ seed: 14, topK: 1, maxLength: 24, finished: "pad" }, { eosIds: eos(), padId: 0 }),
    ],
  ];
  for (const form of ["tiny-mt5", "tiny-mt5-split"]) {
    for (const [name, settings] of cases) {
      it(`${form}: ${name}`, async () => {
        const s = settings();
        const a = await decodeBatch(models[`${form}/js`]!, requests(), s);
        const b = await decodeBatch(models[`${form}/graph`]!, requests(), s);
        expect(b).toEqual(a);
        if (s.strategy === "greedy")
          expect(b.map((x) => x[0]!.tokens)).toEqual(g.generation.prompts.map((p) => p.output_ids));
      });
    }
  }

  for (const form of ["tiny-mt5", "tiny-mt5-split"]) {
    it(`${form}: beam search: the same hypotheses, scores within 1e-10 (the graph's float64 normaliser)`, async () => {
      for (const [numBeams, perLanguage] of [
        [4, 3],
        [2, 2],
      ] as const) {
        const s = decodeSettings(
          { strategy: "beam", numBeams, perLanguage, maxLength: 20 },
          { eosIds: eos(), padId: 0 },
        );
        const a = await decodeBatch(models[`${form}/js`]!, requests(), s);
        const b = await decodeBatch(models[`${form}/graph`]!, requests(), s);
        expect(b.map((x) => x.map(({ tokens, eos }) => ({ tokens, eos })))).toEqual(
          a.map((x) => x.map(({ tokens, eos }) => ({ tokens, eos }))),
        );
        const worst = Math.max(...b.flat().map((h, i) => Math.abs(h.score! - a.flat()[i]!.score!)));
        expect(worst).toBeLessThan(1e-10);
      }
    });

    it(`${form}: top-p over the whole vocabulary (topK 0): probabilities within 1e-12, the same tokens`, async () => {
      const sampling = { topK: 0, topP: 0.9, temperature: 0.8 };
      const prompts = requests().map((r) => r.ids);
      const a = await models[`${form}/js`]!.start(prompts);
      const b = await models[`${form}/graph`]!.start(prompts, { k: 256, normalise: { temperature: 0.8 } });
      for (let r = 0; r < prompts.length; r++) {
        const js = warpLogits(a.logits.subarray(r * a.vocabSize, (r + 1) * a.vocabSize), sampling);
        const top = b.top!;
        const graph = warpNucleus(
          top.values.subarray(r * 256, (r + 1) * 256),
          top.indices.subarray(r * 256, (r + 1) * 256),
          top.logSumExp![r]!,
          sampling,
        )!;
        expect(Array.from(graph.ids)).toEqual(Array.from(js.ids));
        const worst = Math.max(
          ...Array.from(graph.probs, (p, i) => Math.abs(p - js.probs[i]!) / js.probs[i]!),
        );
        expect(worst).toBeLessThan(1e-12);
      }
      const s = decodeSettings({ seed: 21, ...sampling, maxLength: 24 }, { eosIds: eos(), padId: 0 });
      const x = await decodeBatch(models[`${form}/js`]!, requests(), s);
      const graph = models[`${form}/graph`]!;
      const before = graph.stats.scoreBytes;
      expect(await decodeBatch(graph, requests(), s)).toEqual(x);
      // Most steps stayed on the 256 candidates: far fewer bytes than every row's 3,008 logits.
      const rowSteps = x.flat().reduce((n, seq) => n + seq.tokens.length, 0);
      expect(graph.stats.scoreBytes - before).toBeLessThan(rowSteps * 3008 * 4 * 0.5);
    });
  }

  it("createGenerator: selection js and graph give the same queries; a bad selection is refused", async () => {
    const passages = [{ docid: "d1", title: "Fuji", text: "Mount Fuji is the highest mountain in Japan." }];
    const queries = [];
    for (const selection of ["js", "graph"] as const) {
      const generator = await createGenerator(fixtureDir("tiny-mt5"), { selection });
      expect(generator.selection).toBe(selection);
      for await (const record of generator.generate(passages, { languages: ["ja", "fi"], seed: 4 }))
        queries.push(record);
      await generator.close();
    }
    expect(queries[1]).toEqual(queries[0]);
    const bad = createGenerator(fixtureDir("tiny-mt5"), { selection: "gpu" as never });
    await expect(bad).rejects.toThrow(GenerationError);
    await expect(bad).rejects.toThrow('selection must be "js" or "graph", got "gpu"');
  });
});

/**
 * The fake model behind a graph-like selection: k candidates per row as ONNX's TopK gives them (the k first
 * in value-descending, index-ascending order, ties cut at k), full logits only through `fullLogits`.
 */
function selecting(inner: StepModel<FakeRow[]>) {
  let fullCalls = 0;
  const choose = (out: StepOutput<FakeRow[]>, request?: StepRequest): StepOutput<FakeRow[]> => {
    if (!request) return out;
    const { k } = request;
    const rows = out.logits.length / out.vocabSize;
    const values = new Float32Array(rows * k);
    const indices = new Int32Array(rows * k);
    for (let r = 0; r < rows; r++) {
      const row = out.logits.subarray(r * out.vocabSize, (r + 1) * out.vocabSize);
      const order = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b);
      for (let i = 0; i < k; i++) {
        indices[r * k + i] = order[i]!;
        values[r * k + i] = row[order[i]!]!;
      }
    }
    const full = out.logits;
    return {
      ...out,
      logits: new Float32Array(0),
      top: { k, values, indices },
      fullLogits: async () => {
        fullCalls++;
        return full;
      },
    };
  };
  const model: StepModel<FakeRow[]> = {
    start: async (prompts, request) => choose(await inner.start(prompts), request),
    next: async (cache, tokens, request) => choose(await inner.next(cache, tokens), request),
    select: (cache, rows) => inner.select(cache, rows),
  };
  return { model, fullCalls: () => fullCalls };
}

describe("decodeBatch: ties with the k-th logit (Hugging Face keeps them all)", () => {
  const settings = decodeSettings({ topK: 5, seed: 2, maxLength: 12 }, { eosIds: [1], padId: 0 });
  const req = [
    { ids: [3, 4], key: ["a"] },
    { ids: [5], key: ["b"] },
  ];

  it("takes the full logits when ties run past the k returned, and gives JavaScript's tokens", async () => {
    // Logits rounded to integers in [-4, 4]: the 5th largest nearly always has ties beyond it.
    const tied = (prompt: readonly number[], prefix: readonly number[]) =>
      hashedLogits(40, `${prompt}|${prefix}`).map((x) => Math.round(x));
    const a = await decodeBatch(fakeModel(40, tied).model, req, settings);
    const graph = selecting(fakeModel(40, tied).model);
    const b = await decodeBatch(graph.model, req, settings);
    expect(b).toEqual(a);
    expect(graph.fullCalls()).toBeGreaterThan(0);
    // Greedy: TopK's k = 1 is the lowest index among equal maxima, as argmax.
    const greedy = { ...settings, strategy: "greedy" as const, numReturn: 1 };
    const calls = graph.fullCalls();
    expect(await decodeBatch(graph.model, req, greedy)).toEqual(
      await decodeBatch(fakeModel(40, tied).model, req, greedy),
    );
    expect(graph.fullCalls()).toBe(calls);
  });

  it("stays on the k candidates when there are no such ties", async () => {
    const distinct = (prompt: readonly number[], prefix: readonly number[]) =>
      hashedLogits(40, `${prompt}|${prefix}`);
    const a = await decodeBatch(fakeModel(40, distinct).model, req, settings);
    const graph = selecting(fakeModel(40, distinct).model);
    expect(await decodeBatch(graph.model, req, settings)).toEqual(a);
    expect(graph.fullCalls()).toBe(0);
    const greedy = { ...settings, strategy: "greedy" as const, numReturn: 1 };
    expect(await decodeBatch(graph.model, req, greedy)).toEqual(
      await decodeBatch(fakeModel(40, distinct).model, req, greedy),
    );
  });
});
