import { describe, expect, it } from "vitest";
import { type DecodeSettings, decodeBatch, type PromptRequest } from "../src/decode.js";
import { decodeSettings } from "../src/options.js";
import { fakeModel, hashedLogits } from "./fake-model.js";

const EOS = 1;
const PAD = 0;
const base: DecodeSettings = decodeSettings({ strategy: "greedy" }, { eosIds: [EOS], padId: PAD });

/** Random logits per (prompt, prefix); EOS gets `eosBias` added, so sequences end at varied lengths. */
function randomModel(vocab: number, eosBias: number) {
  return fakeModel(vocab, (prompt, prefix) => {
    const logits = hashedLogits(vocab, `${prompt.join(",")}|${prefix.join(",")}`);
    logits[EOS]! += eosBias;
    return logits;
  });
}

/** Greedy picks EOS exactly when the prefix has prompt[0] tokens, else token 2 + prefix length. */
function countingModel(vocab: number) {
  return fakeModel(vocab, (prompt, prefix) => {
    const logits = new Float32Array(vocab);
    logits[prefix.length === prompt[0] ? EOS : 2 + (prefix.length % (vocab - 2))] = 5;
    return logits;
  });
}

const requests = (prompts: number[][]): PromptRequest[] =>
  prompts.map((ids, i) => ({ ids, key: [`doc${i}`, "ja"] }));

describe("decodeBatch: lengths and EOS", () => {
  it("generates at most maxLength - 1 tokens (the decoder start token counts, as in HF)", async () => {
    const { model, calls } = fakeModel(10, () => Float32Array.from([0, -100, 3, 0, 0, 0, 0, 0, 0, 0]));
    const out = await decodeBatch(model, requests([[5]]), { ...base, maxLength: 64 });
    expect(out[0]![0]!.tokens).toEqual(new Array(63).fill(2));
    expect(calls.start).toHaveLength(1);
    expect(calls.next).toHaveLength(62);
    const none = await decodeBatch(model, requests([[5]]), { ...base, maxLength: 1 });
    expect(none).toEqual([[{ tokens: [], eos: false }]]);
  });

  it("stops each sequence at its own EOS and drops it from the batch", async () => {
    const { model, calls } = countingModel(20);
    const out = await decodeBatch(model, requests([[3], [1], [5]]), { ...base, maxLength: 64 });
    expect(out.map((s) => s[0]!.tokens)).toEqual([
      [2, 3, 4, EOS],
      [2, EOS],
      [2, 3, 4, 5, 6, EOS],
    ]);
    expect(out.map((s) => s[0]!.eos)).toEqual([true, true, true]);
    expect(calls.next.map((tokens) => tokens.length)).toEqual([3, 2, 2, 1, 1]);
    expect(calls.select).toEqual([[0, 2], [1]]);
  });

  it("feeds finished sequences the pad token under finished: 'pad', with the same results", async () => {
    const { model, calls } = countingModel(20);
    const out = await decodeBatch(model, requests([[3], [1], [5]]), { ...base, finished: "pad" });
    expect(out.map((s) => s[0]!.tokens)).toEqual([
      [2, 3, 4, EOS],
      [2, EOS],
      [2, 3, 4, 5, 6, EOS],
    ]);
    expect(calls.next).toEqual([
      [2, 2, 2],
      [3, PAD, 3],
      [4, PAD, 4],
      [PAD, PAD, 5],
      [PAD, PAD, 6],
    ]);
    expect(calls.next.every((tokens) => tokens.length === 3)).toBe(true);
    expect(calls.select).toEqual([]);
  });
});

describe("decodeBatch: sampling", () => {
  const sample: DecodeSettings = { ...base, strategy: "sample", numReturn: 3, seed: 11, maxLength: 20 };

  it("runs each prompt's first step once and expands it to numReturn rows", async () => {
    const { model, calls } = randomModel(60, -100);
    await decodeBatch(model, requests([[4, 5], [6]]), sample);
    expect(calls.start).toEqual([[[4, 5], [6]]]);
    expect(calls.select[0]).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it("gives the same sequences whatever the batch size, order and finished policy", async () => {
    const prompts = [[4, 5], [6], [7, 8, 9], [10]];
    const all = await decodeBatch(randomModel(60, 1.5).model, requests(prompts), sample);
    const padded = await decodeBatch(randomModel(60, 1.5).model, requests(prompts), {
      ...sample,
      finished: "pad",
    });
    expect(padded).toEqual(all);
    for (let i = 0; i < prompts.length; i++) {
      const alone = await decodeBatch(randomModel(60, 1.5).model, [requests(prompts)[i]!], sample);
      expect(alone[0]).toEqual(all[i]);
    }
    const reversed = await decodeBatch(randomModel(60, 1.5).model, requests(prompts).reverse(), sample);
    expect(reversed.reverse()).toEqual(all);
    // EOS was reachable: lengths differ, so dropping and padding really were exercised.
    expect(new Set(all.flat().map((s) => s.tokens.length)).size).toBeGreaterThan(1);
  });

  it("gives different samples for the sample indices of one prompt and for another seed", async () => {
    const { model } = randomModel(60, -100);
    const [seqs] = await decodeBatch(model, requests([[4]]), sample);
    expect(new Set(seqs!.map((s) => s.tokens.join(","))).size).toBe(3);
    const [other] = await decodeBatch(model, requests([[4]]), { ...sample, seed: 12 });
    expect(other).not.toEqual(seqs);
  });

  it("only emits tokens of each step's top k", async () => {
    const vocab = 200;
    const { model } = randomModel(vocab, -100);
    const [seqs] = await decodeBatch(model, requests([[9]]), {
      ...sample,
      numReturn: 8,
      sampling: { topK: 3, topP: 1, temperature: 1 },
    });
    for (const seq of seqs!) {
      seq.tokens.forEach((token, t) => {
        const logits = hashedLogits(vocab, `9|${seq.tokens.slice(0, t).join(",")}`);
        logits[EOS]! -= 100;
        const top3 = Array.from(logits.keys())
          .sort((a, b) => logits[b]! - logits[a]!)
          .slice(0, 3);
        expect(top3).toContain(token);
      });
    }
  });
});
