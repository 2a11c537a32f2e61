import { describe, expect, it } from "vitest";
import {
  createEvaluator,
  evaluateByLanguage,
  parseMeasure,
  RKT_TOKENIZERS,
  rktTokenizer,
  significanceMark,
  treebankWordTokenize,
  XOR_EVALUATION_DEFAULTS,
} from "../src/index.js";
import { languages, qids, qrels, runs } from "./three-runs.js";

describe("evaluateByLanguage", () => {
  const evaluator = createEvaluator({ qrels, languages }, ["R@1"]);
  // bn listed first in the file order, so the language order option decides the rows
  const queries = [...qids].reverse().map((id) => ({ id, lang: languages.get(id)! }));

  it("gives per-language means, the macro average, counts and per-query values in the queries' order", () => {
    const e = evaluateByLanguage(evaluator, runs.sysA, {
      queries,
      languageOrder: ["bn", "ar"],
      tokenizer: "nltk",
    });
    expect(e).toEqual({
      measures: ["R@1"],
      languages: ["bn", "ar"],
      counts: { bn: 6, ar: 6 },
      scores: { "R@1": { bn: 3 / 6, ar: 5 / 6, avg: 0.6666666666666667 } }, // avg: exact (5/6 + 1/2) / 2, rounded once
      perQuery: queries.map((q) => ({
        ...q,
        values: { "R@1": [1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0][Number(q.id.slice(1))] },
      })),
      tokenizer: "nltk",
    });
  });

  it("puts languages missing from the order after the listed ones, in order of first appearance", () => {
    const e = evaluateByLanguage(evaluator, runs.base, {
      queries,
      languageOrder: ["bn"],
      tokenizer: "treebank",
    });
    expect(e.languages).toEqual(["bn", "ar"]);
    expect(evaluateByLanguage(evaluator, runs.base, { queries, tokenizer: "nltk" }).languages).toEqual([
      "ar",
      "bn",
    ]);
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
    expect(Object.keys(RKT_TOKENIZERS)).toEqual(["nltk", "treebank"]);
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
