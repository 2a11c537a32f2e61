import { describe, expect, it } from "vitest";
import { createEvaluatorWith } from "../src/evaluator.js";
import {
  createEvaluator,
  parseMeasure,
  RKT_TOKENIZERS,
  significanceMark,
  XOR_EVALUATION_DEFAULTS,
} from "../src/index.js";
import { rktTokenizer } from "../src/tokenize/rkt-tokenizers.js";
import { treebankWordTokenize } from "../src/tokenize/treebank.js";
import { languages, qids, qrels, runFrom, runs } from "./three-runs.js";

describe("evaluate: per language and per query", () => {
  // bn listed first in the file order, so the language order option decides the rows
  const queries = [...qids].reverse().map((id) => ({ id, lang: languages.get(id)! }));

  it("gives per-language means, the macro average, counts and per-query values in the queries' order", async () => {
    const evaluator = createEvaluator({ qrels, queries, languageOrder: ["bn", "ar"] }, ["R@1"]);
    const e = await evaluator.evaluate(runs.sysA);
    expect(e).toEqual({
      measures: ["R@1"],
      languages: ["bn", "ar"],
      counts: { bn: 6, ar: 6 },
      missing: { bn: 0, ar: 0 },
      queries: { judged: 12, run: 12, evaluated: 12, missing: 0 },
      scores: { "R@1": { bn: 3 / 6, ar: 5 / 6, avg: 0.6666666666666667 } }, // avg: exact (5/6 + 1/2) / 2, rounded once
      perQuery: queries.map((q) => ({
        ...q,
        values: { "R@1": [1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0][Number(q.id.slice(1))] },
      })),
      tokenizer: "nltk",
    });
  });

  it("puts languages missing from the order after the listed ones, in order of first appearance", async () => {
    const e = await createEvaluator({ qrels, queries, languageOrder: ["bn"], tokenizer: "treebank" }, [
      "R@1",
    ]).evaluate(runs.base);
    expect([e.languages, e.tokenizer]).toEqual([["bn", "ar"], "treebank"]);
    expect((await createEvaluator({ qrels, queries }, ["R@1"]).evaluate(runs.base)).languages).toEqual([
      "ar",
      "bn",
    ]);
  });
});

describe("queries missing from the run", () => {
  const answers = [
    { id: "q1", lang: "ar", answers: ["cat"] },
    { id: "q2", lang: "ar", answers: ["dog"] }, // not in the run
    { id: "q3", lang: "bn", answers: ["sun"] },
    { id: "q4", lang: "bn", answers: ["yes"] }, // not judged by R@kt, not in the run
  ];
  const texts = new Map([
    ["d1", "the cat sat"],
    ["d2", "a dog ran"],
  ]);
  const judgments = {
    queries: answers,
    passageText: (d: string) => texts.get(d),
    tokenizer: "treebank" as const,
    qrels: new Map([
      ["q1", new Map([["d1", 1]])],
      ["q2", new Map([["d2", 1]])],
    ]),
  };
  const split = (t: string) => t.split(" ");
  const run = runFrom(
    new Map([
      ["q1", ["d1"]],
      ["q3", ["d2"]],
    ]),
  );

  it("are left out of R@kt, as the official script does, and counted per language", async () => {
    const e = await createEvaluatorWith(judgments, ["R@2kt"], split).evaluate(run);
    expect(e).toEqual({
      measures: ["R@2kt"],
      languages: ["ar", "bn"],
      counts: { ar: 1, bn: 1 },
      missing: { ar: 1, bn: 0 },
      queries: { judged: 3, run: 2, evaluated: 2, missing: 1 },
      scores: { "R@2kt": { ar: 1, bn: 0, avg: 0.5 } },
      perQuery: [
        { id: "q1", lang: "ar", values: { "R@2kt": 1 } },
        { id: "q3", lang: "bn", values: { "R@2kt": 0 } },
      ],
      tokenizer: "treebank",
    });
  });

  it("score 0 on qrels measures, and are counted once when several measures judge them", async () => {
    const e = await createEvaluatorWith(judgments, ["R@2kt", "R@1"], split).evaluate(run);
    expect(e.missing).toEqual({ ar: 1, bn: 0 });
    expect(e.perQuery).toEqual([
      { id: "q1", lang: "ar", values: { "R@2kt": 1, "R@1": 1 } },
      { id: "q2", lang: "ar", values: { "R@1": 0 } },
      { id: "q3", lang: "bn", values: { "R@2kt": 0 } },
    ]);
    expect(e.scores).toEqual({
      "R@2kt": { ar: 1, bn: 0, avg: 0.5 },
      "R@1": { ar: 0.5, bn: Number.NaN, avg: 0.5 },
    });
  });
});

describe("measures say what judges them", () => {
  it.each([
    ["R@2kt", "answers"],
    ["R@0.5kt", "answers"],
    ["R@100", "qrels"],
    ["nDCG@10", "qrels"],
    ["MRR@10", "qrels"],
    ["MAP", "qrels"],
  ])("%s → %s", (m, judgedBy) => {
    expect(parseMeasure(m).judgedBy).toBe(judgedBy);
  });
});

describe("R@kt tokenizers by name", () => {
  it("registers nltk and treebank; the default evaluation is the paper's", () => {
    expect(Object.keys(RKT_TOKENIZERS)).toEqual(["nltk", "nltk-3.9", "treebank"]);
    expect(XOR_EVALUATION_DEFAULTS).toEqual({ measures: ["R@2kt", "R@5kt"], tokenizer: "nltk" });
  });

  it("treebank is the Treebank step alone", () => {
    expect(rktTokenizer("treebank")).toBe(treebankWordTokenize);
  });

  it("nltk names the missing Punkt data instead of falling back", () => {
    expect(() => rktTokenizer("nltk", { path: "/nonexistent/punkt_tab/english" })).toThrow(/punkt/i);
  });
});

describe("significanceMark", () => {
  it("marks only significant differences, by direction", () => {
    expect(significanceMark(true, 0.6, 0.5)).toBe("†");
    expect(significanceMark(true, 0.4, 0.5)).toBe("‡");
    expect(significanceMark(false, 0.9, 0.5)).toBe("");
  });
});
