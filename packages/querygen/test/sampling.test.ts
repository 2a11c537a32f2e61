import { describe, expect, it } from "vitest";
import { createRng } from "../src/rng.js";
import { sampleCandidate, validateSamplingParams, warpLogits } from "../src/sampling.js";
import { topKIndices } from "../src/top-k.js";
import { hashedLogits } from "./fake-model.js";

/**
 * Hugging Face's sampling warpers written the plain way over the whole vocabulary, as in
 * transformers' TemperatureLogitsWarper / TopKLogitsWarper / TopPLogitsWarper, then softmax.
 */
function hfProbabilities(
  logits: ArrayLike<number>,
  topK: number,
  topP: number,
  temperature: number,
): number[] {
  let scores = Array.from(logits, (x) => x / temperature);
  if (topK > 0) {
    const kth = [...scores].sort((a, b) => b - a)[Math.min(topK, scores.length) - 1]!;
    scores = scores.map((s) => (s < kth ? Number.NEGATIVE_INFINITY : s));
  }
  const softmax = (xs: number[]) => {
    const max = Math.max(...xs);
    const e = xs.map((x) => Math.exp(x - max));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / total);
  };
  if (topP < 1) {
    const probs = softmax(scores);
    const ascending = probs.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
    let cumulative = 0;
    const remove = new Set<number>();
    ascending.forEach(({ p, i }, rank) => {
      cumulative += p;
      if (cumulative <= 1 - topP && rank < ascending.length - 1) remove.add(i);
    });
    scores = scores.map((s, i) => (remove.has(i) ? Number.NEGATIVE_INFINITY : s));
  }
  return softmax(scores);
}

function asDense(vocab: number, c: { ids: Int32Array; probs: Float64Array }): number[] {
  const dense = new Array<number>(vocab).fill(0);
  c.ids.forEach((id, i) => {
    dense[id] = c.probs[i]!;
  });
  return dense;
}

describe("warpLogits", () => {
  it("keeps the top k and renormalises (hand-computed)", () => {
    const c = warpLogits([1, 2, 3, 0], { topK: 2, topP: 1, temperature: 1 });
    expect(Array.from(c.ids)).toEqual([2, 1]);
    expect(c.probs[0]).toBeCloseTo(0.7310585786300049, 14);
    expect(c.probs[1]).toBeCloseTo(0.2689414213699951, 14);
  });

  it("divides by the temperature before the softmax", () => {
    const c = warpLogits([1, 2, 3, 0], { topK: 2, topP: 1, temperature: 2 });
    expect(c.probs[0]).toBeCloseTo(0.6224593312018546, 14);
  });

  it("applies top-p as HF does: drop tokens whose ascending cumulative mass is <= 1 - p", () => {
    const logits = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    const keepTwo = warpLogits(logits, { topK: 0, topP: 0.75, temperature: 1 });
    expect(Array.from(keepTwo.ids)).toEqual([0, 1]);
    expect(keepTwo.probs[0]).toBeCloseTo(0.625, 14);
    const keepThree = warpLogits(logits, { topK: 0, topP: 0.85, temperature: 1 });
    expect(Array.from(keepThree.ids)).toEqual([0, 1, 2]);
    expect(Array.from(warpLogits(logits, { topK: 0, topP: 0.1, temperature: 1 }).ids)).toEqual([0]);
  });

  it("equals the plain HF pipeline (temperature, top-k, top-p) on random rows", () => {
    for (const vocab of [40, 1000, 3000]) {
      const logits = hashedLogits(vocab, `row${vocab}`);
      for (const [topK, topP, temperature] of [
        [50, 1, 1],
        [10, 0.9, 1],
        [0, 0.9, 0.7],
        [0, 0.5, 1.3],
        [0, 1, 1],
        [5, 1, 0.5],
        [50, 0.95, 1],
      ] as const) {
        const got = asDense(vocab, warpLogits(logits, { topK, topP, temperature }));
        const want = hfProbabilities(logits, topK, topP, temperature);
        const maxDiff = Math.max(...got.map((g, i) => Math.abs(g - want[i]!)));
        expect(maxDiff, `vocab ${vocab} topK ${topK} topP ${topP} T ${temperature}`).toBeLessThan(1e-12);
      }
    }
  });

  it("finds the nucleus of a 250k-logit row without sorting it all (same set as the plain pipeline)", () => {
    const logits = hashedLogits(250_112, "big").map((x) => x * 3);
    const fast = warpLogits(logits, { topK: 0, topP: 0.5, temperature: 1 });
    const kept = Array.from(topKIndices(logits, fast.ids.length));
    expect(Array.from(fast.ids)).toEqual(kept);
    const mass = (n: number) => {
      const ids = topKIndices(logits, n);
      let max = -Infinity;
      for (const x of logits) max = Math.max(max, x);
      let total = 0;
      for (const x of logits) total += Math.exp(x - max);
      return Array.from(ids).reduce((s, i) => s + Math.exp(logits[i]! - max) / total, 0);
    };
    expect(mass(fast.ids.length - 1)).toBeLessThan(0.5);
    expect(mass(fast.ids.length)).toBeGreaterThanOrEqual(0.5);
  });

  it("rejects invalid parameters with the allowed range", () => {
    expect(() => validateSamplingParams({ topK: -1, topP: 1, temperature: 1 })).toThrow(
      /topK must be an integer >= 0/,
    );
    expect(() => validateSamplingParams({ topK: 5, topP: 0, temperature: 1 })).toThrow(
      /topP must be in \(0, 1\]/,
    );
    expect(() => validateSamplingParams({ topK: 5, topP: 1, temperature: 0 })).toThrow(/temperature/);
  });
});

describe("top-k sampling, statistically", () => {
  it("never leaves the top k and matches the softmax over it (chi-square, seed 2023, df 49, p = 0.001 threshold 85.35)", () => {
    const vocab = 1000;
    const logits = hashedLogits(vocab, "chi-square");
    const params = { topK: 50, topP: 1, temperature: 1 };
    const allowed = new Set(topKIndices(logits, 50));
    const expected = hfProbabilities(logits, 50, 1, 1);
    const candidates = warpLogits(logits, params);
    const rng = createRng(2023, "chi-square");
    const n = 50_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const token = sampleCandidate(candidates, rng.nextFloat());
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    expect([...counts.keys()].filter((t) => !allowed.has(t))).toEqual([]);
    let chi2 = 0;
    for (const token of allowed) {
      const e = expected[token]! * n;
      chi2 += ((counts.get(token) ?? 0) - e) ** 2 / e;
    }
    expect(allowed.size).toBe(50);
    expect(chi2).toBeLessThan(85.35);
  });

  it("maps u to candidates by their cumulative mass", () => {
    const c = { ids: Int32Array.from([7, 3, 9]), probs: Float64Array.from([0.5, 0.3, 0.2]) };
    expect([0, 0.49, 0.5, 0.79, 0.8, 0.999999].map((u) => sampleCandidate(c, u))).toEqual([7, 7, 3, 3, 9, 9]);
  });
});
