import { describe, expect, it } from "vitest";
import { rktHits, spanAnswers, tokenBudget } from "../src/xor/rkt.js";
import { tokenizePassage } from "../src/xor/token-cache.js";

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

  describe("cuts at exactly k·1000 tokens (R@1kt, R@2kt)", () => {
    // Tokens "<1>" ... "<3000>": no token is a substring of another, so each answer names one position.
    const token = (i: number) => `<${i}>`;
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => token(from + i));
    const budgets = [1, 2].map(tokenBudget);
    // The same 3000 tokens cut into passages three ways: one passage; a passage boundary right at each budget;
    // budgets falling inside a passage, with empty passages in between.
    const layouts: [string, string[][]][] = [
      ["one passage", [range(1, 3000)]],
      ["a passage ends at each budget", [range(1, 1000), range(1001, 2000), range(2001, 3000)]],
      [
        "budgets inside passages",
        [range(1, 999), [], range(1000, 1001), range(1002, 1998), [], range(1999, 3000)],
      ],
    ];
    const cases: [string, boolean[]][] = [
      ["<999>", [true, true]],
      ["<1000>", [true, true]],
      ["<1001>", [false, true]],
      ["<999> <1000>", [true, true]],
      ["<1000> <1001>", [false, true]],
      ["<1000> ", [false, true]],
      ["<1999>", [false, true]],
      ["<2000>", [false, true]],
      ["<2001>", [false, false]],
      ["<2000> <2001>", [false, false]],
      ["<2000> ", [false, false]],
    ];
    for (const [name, parts] of layouts) {
      it(name, () => {
        const ranked = parts.map((tokens) => passage(tokens.join(" ")));
        expect(cases.map(([answer]) => rktHits([answer], ranked, budgets))).toEqual(
          cases.map(([, hits]) => hits),
        );
      });
    }
  });

  it("drops yes/no answers and converts k like int(float(k) * 1000)", () => {
    expect(spanAnswers(["yes", "no", "Yes", " no"])).toEqual(["Yes", " no"]);
    expect([0.1, 1, 2, 5, 0.0015, 2.5].map(tokenBudget)).toEqual([100, 1000, 2000, 5000, 1, 2500]);
    expect(() => tokenBudget(Number.NaN)).toThrow(RangeError);
  });
});
