import { describe, expect, it } from "vitest";
import { rktHits, spanAnswers, tokenBudget, tokenizePassage } from "../src/index.js";

// A white-space tokenizer keeps these cases independent of NLTK data.
const passage = (text: string) => tokenizePassage(text, (t) => t.split(" ").filter((w) => w !== ""));

describe("rktHits (hand-computed, white-space tokens)", () => {
  const ranked = [passage("a b c"), passage(""), passage("d e"), passage("f")];

  it("cuts the joined tokens at each budget", () => {
    // "a b c d e f": budgets 1..6 → "a", "a b", "a b c", "a b c d", ...
    expect(rktHits(["c d"], ranked, [3, 4, 6])).toEqual([false, true, true]);
    expect(rktHits(["a"], ranked, [1])).toEqual([true]);
    expect(rktHits(["b c d e f"], ranked, [5, 6, 100])).toEqual([false, true, true]);
  });

  it("joins passages with one space and skips passages without tokens", () => {
    expect(rktHits(["c d"], ranked, [100])).toEqual([true]);
    expect(rktHits(["c  d"], ranked, [100])).toEqual([false]);
  });

  it("treats a budget of 0 as the empty string, where only the empty answer occurs", () => {
    expect(rktHits(["a"], ranked, [0])).toEqual([false]);
    expect(rktHits([""], [], [0, 2000])).toEqual([true, true]);
    expect(rktHits(["x"], [], [2000])).toEqual([false]);
  });

  it("is case-sensitive and uses any of several answers", () => {
    expect(rktHits(["A"], ranked, [100])).toEqual([false]);
    expect(rktHits(["zz", "f"], ranked, [5, 6])).toEqual([false, true]);
  });

  it("drops yes/no answers and converts k like int(float(k) * 1000)", () => {
    expect(spanAnswers(["yes", "no", "Yes", " no"])).toEqual(["Yes", " no"]);
    expect([0.1, 1, 2, 5, 0.0015, 2.5].map(tokenBudget)).toEqual([100, 1000, 2000, 5000, 1, 2500]);
    expect(() => tokenBudget(Number.NaN)).toThrow(RangeError);
  });
});
