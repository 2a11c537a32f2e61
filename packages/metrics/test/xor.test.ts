import { describe, expect, it } from "vitest";
import { createEvaluatorWith } from "../src/evaluator.js";
import { treebankWordTokenize } from "../src/tokenize/treebank.js";
import { tokenBudget } from "../src/xor/rkt.js";
import { evaluateXorSubmission, xorScores } from "../src/xor/submission.js";
import { TokenCache } from "../src/xor/token-cache.js";
import { valuesOf } from "./helpers.js";
import { runFrom } from "./three-runs.js";

// One sentence per passage: the Treebank step tokenizes these as NLTK's word_tokenize does.
const tokenize = treebankWordTokenize;

describe("R@kt, hand-computed", () => {
  // d1 → "Peter 's dog barked ." (5 tokens); d2 → "The cat sat ." (4 tokens)
  const texts = new Map([
    ["d1", "Peter's dog barked."],
    ["d2", "The cat sat."],
  ]);
  const passageText = (d: string) => texts.get(d);
  const measures = ["R@0.002kt", "R@0.006kt"]; // budgets of 2 and 6 tokens
  const ranking = new Map<string, string[]>([
    ["q1", ["d1", "d2"]],
    ["q2", ["d1", "d2"]],
    ["q3", ["d1"]],
    ["q4", ["d1", "d2"]],
    ["q6", ["d2", "d1"]],
    ["q7", []],
  ]);
  const run = runFrom(ranking);
  const queries = [
    { id: "q1", lang: "ar", answers: ["dog"] }, // "Peter 's" | "Peter 's dog barked . The" → 0, 1
    { id: "q2", lang: "ar", answers: ["Peter's"] }, // tokenization splits it → 0, 0
    { id: "q3", lang: "bn", answers: ["yes", "no"] }, // not counted
    { id: "q4", lang: "bn", answers: ["no", ". The"] }, // spans d1|d2 → 0, 1
    { id: "q5", lang: "bn", answers: ["cat"] }, // missing from the run → not counted (the script skips it)
    { id: "q6", lang: "fi", answers: ["sat . Peter"] }, // spans d2|d1 → 0, 1
    { id: "q7", lang: "fi", answers: [""] }, // empty answer hits even with no passages → 1, 1
  ];
  const evaluator = () => createEvaluatorWith({ queries, passageText }, measures, tokenize);

  it("scores per language (0–1) and macro-averages", async () => {
    expect([0.002, 0.006].map(tokenBudget)).toEqual([2, 6]);
    const e = await evaluator().evaluate(run);
    expect(e.measures).toEqual(measures);
    expect(e.languages).toEqual(["ar", "bn", "fi"]);
    expect(e.counts).toEqual({ ar: 2, bn: 1, fi: 2 });
    expect(e.missing).toEqual({ ar: 0, bn: 1, fi: 0 });
    expect(e.scores).toEqual({
      "R@0.002kt": { ar: 0, bn: 0, fi: 0.5, avg: 1 / 6 },
      "R@0.006kt": { ar: 0.5, bn: 1, fi: 1, avg: 0.8333333333333334 },
    });
    expect(e.perQuery.map((q) => [q.id, q.values["R@0.002kt"], q.values["R@0.006kt"]])).toEqual([
      ["q1", 0, 1],
      ["q2", 0, 0],
      ["q4", 0, 1],
      ["q6", 0, 1],
      ["q7", 1, 1],
    ]);
    expect(valuesOf(e).get("R@0.006kt")!.has("q5")).toBe(false);
  });

  it("takes the whole ranking when k·1000 is larger than its tokens", async () => {
    const e = await createEvaluatorWith(
      { queries: [queries[0]!], passageText },
      ["R@100kt"],
      tokenize,
    ).evaluate(run);
    expect(e.scores["R@100kt"]).toEqual({ ar: 1, avg: 1 });
  });

  it("tokenizes each passage once across queries and runs", async () => {
    let calls = 0;
    const counting = (t: string) => {
      calls++;
      return tokenize(t);
    };
    const ev = createEvaluatorWith({ queries, passageText }, measures, counting);
    await ev.evaluate(run);
    await ev.evaluate(run);
    expect(calls).toBe(2);
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

  it("rejects passages without text, naming the passage", async () => {
    await expect(evaluator().evaluate(runFrom(new Map([["q1", ["d9"]]])))).rejects.toMatchObject({
      code: "missing-passage",
      message: 'no text for passage "d9"',
    });
  });

  it("keeps the given language order and omits languages without judged queries", async () => {
    const ev = createEvaluatorWith(
      { queries, passageText, languageOrder: ["te", "fi", "bn", "ar"] },
      measures,
      tokenize,
    );
    expect((await ev.evaluate(run)).languages).toEqual(["fi", "bn", "ar"]);
  });

  it("an empty run counts no query and reports every query with span answers as missing", async () => {
    const e = await evaluator().evaluate(new Map());
    expect([e.counts, e.perQuery]).toEqual([{ ar: 0, bn: 0, fi: 0 }, []]);
    expect(e.missing).toEqual({ ar: 2, bn: 2, fi: 2 });
  });

  it("skips queries the run lacks exactly as the official script skips ids without a prediction", async () => {
    const e = await evaluator().evaluate(run);
    // the same run as a submission: the script's semantics (queries without a prediction never seen)
    const predictions = queries
      .filter((q) => ranking.has(q.id))
      .map((q) => ({ id: q.id, lang: q.lang, ctxs: ranking.get(q.id)!.map((d) => texts.get(d)!) }));
    const official = evaluateXorSubmission(
      new Map(queries.map((q) => [q.id, q.answers])),
      predictions,
      [0.002, 0.006],
      {
        tokenize,
      },
    );
    expect(official.counts).toEqual(e.counts);
    expect(xorScores(official, 1)).toEqual(e.scores);
    expect(xorScores(official, 100)["R@0.006kt"]).toEqual({
      ar: 50,
      bn: 100,
      fi: 100,
      avg: 83.33333333333333,
    });
  });
});

describe("evaluate reports progress and can be cancelled", () => {
  const queries = Array.from({ length: 600 }, (_, i) => ({ id: `q${i}`, lang: i % 2 ? "ar" : "bn" }));
  const qrels = queries.map((q) => ({ qid: q.id, docid: "d", relevance: 1 }));
  const run = runFrom(new Map(queries.map((q) => [q.id, ["d"]])));

  it("one rows event per batch of 256 queries, done ending at the total", async () => {
    const events: unknown[] = [];
    const ev = createEvaluatorWith({ qrels, queries }, ["MRR"]);
    const e = await ev.evaluate(run, { onProgress: (p) => events.push(p) });
    expect(e.scores["MRR"]!["avg"]).toBe(1);
    expect(events).toEqual([
      { unit: "rows", task: "evaluate", done: 256, total: 600 },
      { unit: "rows", task: "evaluate", done: 512, total: 600 },
      { unit: "rows", task: "evaluate", done: 600, total: 600 },
    ]);
  });

  it("rejects with an AbortError between batches", async () => {
    const ev = createEvaluatorWith({ qrels, queries }, ["MRR"]);
    const controller = new AbortController();
    const events: number[] = [];
    const evaluation = ev.evaluate(run, {
      signal: controller.signal,
      onProgress: (p) => {
        events.push(p.done);
        controller.abort();
      },
    });
    await expect(evaluation).rejects.toMatchObject({ name: "AbortError" });
    expect(events).toEqual([256]);
    await expect(ev.evaluate(run, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
  });
});
