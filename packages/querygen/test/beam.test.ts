import { describe, expect, it } from "vitest";
import { BeamSearch } from "../src/beam.js";
import { type DecodeSettings, decodeBatch } from "../src/decode.js";
import { decodeSettings } from "../src/options.js";
import { fakeModel, hashedLogits } from "./fake-model.js";

const [PAD, EOS, A, B, C] = [0, 1, 2, 3, 4];

/** A hand-made Markov model over 5 tokens; greedy takes A then EOS (0.2), beam search finds B EOS (0.36). */
function table(prefix: readonly number[]): number[] {
  const probs = new Array<number>(5).fill(0);
  const set = (p: Record<number, number>) => {
    for (const [token, value] of Object.entries(p)) probs[Number(token)] = value;
  };
  const key = prefix.join(",");
  if (key === "") set({ [A]: 0.5, [B]: 0.4, [C]: 0.05, [EOS]: 0.05 });
  else if (key === `${A}`) set({ [EOS]: 0.4, [A]: 0.3, [B]: 0.3 });
  else if (key === `${B}`) set({ [EOS]: 0.9, [A]: 0.05, [B]: 0.05 });
  else set({ [EOS]: 0.6, [A]: 0.2, [B]: 0.2 });
  return probs.map(Math.log);
}

const settings: DecodeSettings = decodeSettings(
  { strategy: "beam", perLanguage: 2, numBeams: 2, maxLength: 10 },
  { eosIds: [EOS], padId: PAD },
);

describe("beam search (HF BeamSearchScorer semantics)", () => {
  it("finds the sequences a hand computation gives, with length-normalised scores", async () => {
    // Step 1 keeps A, B. Step 2 finishes B·EOS (log .36 / 2) and A·EOS (log .2 / 2), keeps A·A, A·B.
    // Step 3 finishes A·A·EOS (log .09 / 3), which evicts A·EOS; A·B·EOS ties the worst score and is not
    // added; the best candidate can no longer beat the worst kept hypothesis, so the prompt is done.
    const { model, calls } = fakeModel(5, (_, prefix) => table(prefix));
    const [hyps] = await decodeBatch(model, [{ ids: [9], key: ["p"] }], settings);
    expect(hyps!.map((h) => h.tokens)).toEqual([
      [B, EOS],
      [A, A, EOS],
    ]);
    expect(hyps![0]!.score).toBeCloseTo(Math.log(0.36) / 2, 6);
    expect(hyps![1]!.score).toBeCloseTo(Math.log(0.09) / 3, 6);
    expect(hyps!.every((h) => h.eos)).toBe(true);
    expect(calls.select).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(calls.next).toEqual([
      [A, B],
      [A, B],
    ]);
  });

  it("applies the length penalty to finished hypotheses", async () => {
    const { model } = fakeModel(5, (_, prefix) => table(prefix));
    const [hyps] = await decodeBatch(model, [{ ids: [9], key: ["p"] }], {
      ...settings,
      lengthPenalty: 0,
      numReturn: 1,
    });
    expect(hyps![0]!.tokens).toEqual([B, EOS]);
    expect(hyps![0]!.score).toBeCloseTo(Math.log(0.36), 6);
  });

  it("stops at numBeams finished hypotheses with earlyStopping", async () => {
    const { model, calls } = fakeModel(5, (_, prefix) => table(prefix));
    const [hyps] = await decodeBatch(model, [{ ids: [9], key: ["p"] }], { ...settings, earlyStopping: true });
    expect(hyps!.map((h) => h.tokens)).toEqual([
      [B, EOS],
      [A, EOS],
    ]);
    expect(calls.next).toHaveLength(1);
  });

  it("returns unfinished beams when maxLength is reached first", async () => {
    const { model } = fakeModel(5, () => [Number.NEGATIVE_INFINITY, -9, -1, -1.2, -3]);
    const [hyps] = await decodeBatch(model, [{ ids: [9], key: ["p"] }], { ...settings, maxLength: 3 });
    expect(hyps!.map((h) => h.tokens)).toEqual([
      [A, A],
      [A, B],
    ]);
    expect(hyps!.map((h) => h.eos)).toEqual([false, false]);
    // Two steps of log p(A) = -1 - logsumexp, divided by the 2 generated tokens.
    const lse = Math.log(Math.exp(-9) + Math.exp(-1) + Math.exp(-1.2) + Math.exp(-3));
    expect(hyps![0]!.score).toBeCloseTo((2 * (-1 - lse)) / 2, 6);
  });

  it("with one beam equals greedy decoding", async () => {
    const logits = (prompt: readonly number[], prefix: readonly number[]) => {
      const row = hashedLogits(30, `${prompt}|${prefix}`);
      row[EOS]! += 2;
      return row;
    };
    const prompts = [[3], [4], [5], [6]].map((ids, i) => ({ ids, key: [String(i)] }));
    const beam = await decodeBatch(fakeModel(30, logits).model, prompts, {
      ...settings,
      numBeams: 1,
      numReturn: 1,
    });
    const greedy = await decodeBatch(fakeModel(30, logits).model, prompts, {
      ...settings,
      strategy: "greedy",
      numReturn: 1,
    });
    expect(beam.map((h) => h[0]!.tokens)).toEqual(greedy.map((s) => s[0]!.tokens));
  });

  it("gives each prompt the same beams alone or in a batch where other prompts finish earlier", async () => {
    const logits = (prompt: readonly number[], prefix: readonly number[]) => {
      const row = hashedLogits(40, `${prompt}|${prefix}`);
      row[EOS]! += prompt[0]! / 3;
      return row;
    };
    const prompts = [[1], [9], [4], [12]].map((ids, i) => ({ ids, key: [String(i)] }));
    const wide = { ...settings, numBeams: 4, numReturn: 3, maxLength: 12 };
    const together = await decodeBatch(fakeModel(40, logits).model, prompts, wide);
    for (let i = 0; i < prompts.length; i++) {
      const [alone] = await decodeBatch(fakeModel(40, logits).model, [prompts[i]!], wide);
      expect(alone).toEqual(together[i]);
    }
  });

  it("refuses numReturn > numBeams and a vocabulary narrower than the candidate list", () => {
    expect(
      () =>
        new BeamSearch({ numBeams: 2, numReturn: 3, lengthPenalty: 1, earlyStopping: false, eosIds: [1] }),
    ).toThrow(/at most numBeams/);
    const search = new BeamSearch({
      numBeams: 3,
      numReturn: 1,
      lengthPenalty: 1,
      earlyStopping: false,
      eosIds: [1],
    });
    expect(() => search.step(() => [0, 0, 0])).toThrow(/vocabulary of at least 6/);
  });
});
