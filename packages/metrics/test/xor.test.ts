import { describe, expect, it } from "vitest";
import {
  createEvaluator,
  createWordTokenizer,
  evaluateXor,
  evaluateXorSubmission,
  TokenCache,
} from "../src/index.js";
import { tokenBudget } from "../src/xor/rkt.js";
import { nltkSkip, punktDir } from "./helpers.js";

describe.skipIf(nltkSkip)("evaluateXor, hand-computed", () => {
  const tokenize = nltkSkip ? (t: string) => [t] : createWordTokenizer({ path: punktDir() });
  // d1 → "Peter 's dog barked ." (5 tokens); d2 → "The cat sat ." (4 tokens)
  const texts = new Map([
    ["d1", "Peter's dog barked."],
    ["d2", "The cat sat."],
  ]);
  const ks = [0.002, 0.006]; // budgets of 2 and 6 tokens
  const ranking = new Map<string, string[]>([
    ["q1", ["d1", "d2"]],
    ["q2", ["d1", "d2"]],
    ["q3", ["d1"]],
    ["q4", ["d1", "d2"]],
    ["q6", ["d2", "d2"]],
    ["q7", []],
  ]);
  const answers = [
    { id: "q1", lang: "ar", answers: ["dog"] }, // "Peter 's" | "Peter 's dog barked . The" → 0, 1
    { id: "q2", lang: "ar", answers: ["Peter's"] }, // tokenization splits it → 0, 0
    { id: "q3", lang: "bn", answers: ["yes", "no"] }, // not counted
    { id: "q4", lang: "bn", answers: ["no", ". The"] }, // spans d1|d2 → 0, 1
    { id: "q5", lang: "bn", answers: ["cat"] }, // missing from the ranking → not counted (the script skips it)
    { id: "q6", lang: "fi", answers: ["sat . The"] }, // duplicate docid, text repeats → 0, 1
    { id: "q7", lang: "fi", answers: [""] }, // empty answer hits even with no passages → 1, 1
  ];

  it("scores per language and macro-averages", () => {
    expect(ks.map(tokenBudget)).toEqual([2, 6]);
    const r = evaluateXor(answers, ranking, (d) => texts.get(d), ks, { tokenize });
    expect(r.measures).toEqual(["R@0.002kt", "R@0.006kt"]);
    expect(r.languages).toEqual(["ar", "bn", "fi"]);
    expect(r.counts).toEqual({ ar: 2, bn: 1, fi: 2 });
    expect(r.missing).toEqual({ ar: 0, bn: 1, fi: 0 });
    expect(r.scores).toEqual({
      "R@0.002kt": { ar: 0, bn: 0, fi: 50, avg: 16.666666666666668 },
      "R@0.006kt": { ar: 50, bn: 100, fi: 100, avg: 83.33333333333333 },
    });
    expect(r.perQuery.map((q) => [q.id, q.hits["R@0.002kt"], q.hits["R@0.006kt"]])).toEqual([
      ["q1", 0, 1],
      ["q2", 0, 0],
      ["q4", 0, 1],
      ["q6", 0, 1],
      ["q7", 1, 1],
    ]);
  });

  it("takes the whole ranking when k·1000 is larger than its tokens", () => {
    const r = evaluateXor([answers[0]!], ranking, (d) => texts.get(d), [100], { tokenize });
    expect(r.scores["R@100kt"]).toEqual({ ar: 100, avg: 100 });
  });

  it("tokenizes each passage once across queries", () => {
    let calls = 0;
    const cache = new TokenCache((t) => {
      calls++;
      return tokenize(t);
    });
    evaluateXor(answers, ranking, (d) => texts.get(d), ks, { cache });
    evaluateXor(answers, ranking, (d) => texts.get(d), [5], { cache });
    expect(calls).toBe(2);
    expect(cache.size).toBe(2);
  });

  it("keeps at most maxEntries passages, dropping the least recently used", () => {
    const seen: string[] = [];
    const cache = new TokenCache(
      (t) => {
        seen.push(t);
        return t.split(" ");
      },
      { maxEntries: 2 },
    );
    for (const key of ["a", "b", "a", "c", "a", "b"])
      expect(cache.get(key, () => `${key} x`).joined).toBe(`${key} x`);
    expect([seen, cache.size]).toEqual([["a x", "b x", "c x", "b x"], 2]);
    expect(() => new TokenCache(tokenize, { maxEntries: 0 })).toThrow(
      /maxEntries must be a positive integer/,
    );
  });

  it("rejects unknown languages when a language list is given, and passages without text", () => {
    expect(() =>
      evaluateXor(answers, ranking, (d) => texts.get(d), ks, { tokenize, languages: ["ar", "bn"] }),
    ).toThrow('query "q6" has language "fi", not one of ar, bn');
    expect(() =>
      evaluateXor(answers, new Map([["q1", ["d9"]]]), (d) => texts.get(d), ks, { tokenize }),
    ).toThrow('no text for passage "d9"');
    expect(() => evaluateXor(answers, ranking, (d) => texts.get(d), [-1], { tokenize })).toThrow(RangeError);
  });

  it("keeps the given language order and omits languages without counted queries", () => {
    const r = evaluateXor(answers, ranking, (d) => texts.get(d), ks, {
      tokenize,
      languages: ["te", "fi", "bn", "ar"],
    });
    expect(r.languages).toEqual(["fi", "bn", "ar"]);
  });

  it("an empty run counts no query and reports every query with span answers as missing", () => {
    const r = evaluateXor(answers, new Map(), (d) => texts.get(d), ks, { tokenize });
    expect([r.languages, r.counts, r.perQuery]).toEqual([[], {}, []]);
    expect(r.missing).toEqual({ ar: 2, bn: 2, fi: 2 });
  });

  it("skips queries the ranking lacks exactly as the official script skips ids without a prediction", () => {
    const r = evaluateXor(answers, ranking, (d) => texts.get(d), ks, { tokenize });
    // the same run as a submission: the script's semantics (queries without a prediction never seen)
    const predictions = answers
      .filter((q) => ranking.has(q.id))
      .map((q) => ({ id: q.id, lang: q.lang, ctxs: ranking.get(q.id)!.map((d) => texts.get(d)!) }));
    const official = evaluateXorSubmission(new Map(answers.map((q) => [q.id, q.answers])), predictions, ks, {
      tokenize,
    });
    expect(official.missing).toBeUndefined();
    expect({ ...r, missing: undefined }).toEqual({ ...official, missing: undefined });
  });

  it("R@kt is an ordinary measure of the general evaluator (fractions, not percentages)", () => {
    const ev = createEvaluator(
      { answers, passageText: (d) => texts.get(d), tokenCache: new TokenCache(tokenize) },
      ["R@0.002kt", "R@0.006kt"],
    );
    expect(ev.judgedQueries("R@0.006kt")).toEqual(["q1", "q2", "q4", "q5", "q6", "q7"]);
    const by = ev.aggregateByLanguage(ranking);
    expect(
      Object.fromEntries([...by].map(([l, m]) => [l, [m.get("R@0.002kt"), m.get("R@0.006kt")]])),
    ).toEqual({
      ar: [0, 0.5],
      bn: [0, 1], // q5, missing from the ranking, is not scored
      fi: [0.5, 1],
      avg: [1 / 6, 0.8333333333333334],
    });
    expect(ev.scores(ranking).get("R@0.006kt")!.has("q5")).toBe(false);
  });
});
