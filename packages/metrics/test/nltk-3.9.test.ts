import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rktTokenizer } from "../src/tokenize/rkt-tokenizers.js";
import { treebankWordTokenize } from "../src/tokenize/treebank.js";
import { createWordTokenizer } from "../src/tokenize/word-tokenize.js";
import { rktHits, spanAnswers, tokenBudget } from "../src/xor/rkt.js";
import { tokenizePassage } from "../src/xor/token-cache.js";
import { nltkSkip, readJsonl } from "./helpers.js";

// Expected NLTK 3.9 outputs: test/fixtures/nltk-3.9/*.jsonl list only the vectors where NLTK 3.9.1 (run by
// make_vectors.py there, from Debian trixie's python3-nltk 3.9.1-2) differs from the shared NLTK 3.8 vectors.
const FIXTURES = join(import.meta.dirname, "fixtures", "nltk-3.9");
const fixture = <T>(file: string): T[] =>
  readFileSync(join(FIXTURES, file), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as T);

describe("NLTK 3.9's word_tokenize (tokenizer: nltk-3.9)", () => {
  it("makes white space runs one space before splitting contractions, as 3.9 does", () => {
    const text = "Peter's\ndog can't\tgo.";
    expect(treebankWordTokenize(text)).toEqual(["Peter's", "dog", "can't", "go", "."]);
    expect(treebankWordTokenize(text, "3.9")).toEqual(["Peter", "'s", "dog", "ca", "n't", "go", "."]);
    // a sentence without white space other than single spaces is the same under both
    expect(treebankWordTokenize("Peter's dog can't go.", "3.9")).toEqual(
      treebankWordTokenize("Peter's dog can't go."),
    );
    expect(rktTokenizer("nltk-3.9")(text)).toEqual(["Peter", "'s", "dog", "ca", "n't", "go", "."]);
  });
});

describe.skipIf(nltkSkip)("parity with NLTK 3.9.1 and with 3.8 on the shared vectors", () => {
  const vectors = nltkSkip
    ? []
    : readJsonl<{ text: string; tokens: string[] }>("word_tokenize_vectors.jsonl");
  const changed = new Map(
    fixture<{ line: number; tokens: string[] }>("word_tokenize_3.9.jsonl").map((v) => [v.line, v.tokens]),
  );

  it("agrees with NLTK 3.9.1 on all 4,000 texts (17 tokenised differently from 3.8)", () => {
    const nltk39 = createWordTokenizer({}, "3.9");
    const nltk38 = createWordTokenizer();
    expect(vectors.length).toBe(4000);
    expect(changed.size).toBe(17);
    const mismatches = vectors.flatMap((v, i) => {
      const want = changed.get(i + 1) ?? v.tokens;
      const got = nltk39(v.text);
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [{ line: i + 1, got, want }];
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
    // and the 17 are exactly where 3.8 and 3.9 disagree
    const differ = vectors.flatMap((v, i) =>
      JSON.stringify(nltk38(v.text)) === JSON.stringify(nltk39(v.text)) ? [] : [i + 1],
    );
    expect(differ).toEqual([...changed.keys()]);
  });

  it("agrees with NLTK 3.9.1's R@kt hits on all 633 cases (10 differ from 3.8)", () => {
    interface RktVector {
      id: string;
      answers: string[];
      ctxs: string[];
      hit?: Record<string, 0 | 1>;
    }
    const cases = readJsonl<RktVector>("rkt_vectors.jsonl");
    const changedHits = new Map(
      fixture<{ id: string; hit: Record<string, 0 | 1> }>("rkt_3.9.jsonl").map((v) => [v.id, v.hit]),
    );
    expect(changedHits.size).toBe(10);
    const tokenize = createWordTokenizer({}, "3.9");
    const ks = ["0.1", "1", "2", "5"];
    const budgets = ks.map((k) => tokenBudget(Number(k)));
    const mismatches = cases.flatMap((v) => {
      const span = spanAnswers(v.answers);
      if (span.length === 0) return v.hit ? [{ id: v.id }] : [];
      const hits = rktHits(
        span,
        v.ctxs.map((t) => tokenizePassage(t, tokenize)),
        budgets,
      );
      const want = changedHits.get(v.id) ?? v.hit!;
      const got = Object.fromEntries(ks.map((k, i) => [k, hits[i] ? 1 : 0]));
      return ks.every((k) => got[k] === want[k]) ? [] : [{ id: v.id, got, want }];
    });
    expect(cases.length).toBe(633);
    expect(mismatches).toEqual([]);
  });
});
