import { describe, expect, it } from "vitest";
import { createWordTokenizer } from "../src/tokenize/word-tokenize.js";
import { nltkSkip, readJsonl } from "./helpers.js";

describe.skipIf(nltkSkip)("wordTokenize parity with NLTK 3.8", () => {
  it("agrees with every vector in word_tokenize_vectors.jsonl", () => {
    // the tables this package ships, found with no NLTK_DATA set
    const saved = process.env["NLTK_DATA"];
    delete process.env["NLTK_DATA"];
    const tokenize = createWordTokenizer();
    if (saved !== undefined) process.env["NLTK_DATA"] = saved;
    const vectors = readJsonl<{ text: string; tokens: string[] }>("word_tokenize_vectors.jsonl");
    const mismatches = vectors.filter((v) => JSON.stringify(tokenize(v.text)) !== JSON.stringify(v.tokens));
    console.log(`word_tokenize vectors: ${vectors.length - mismatches.length}/${vectors.length} agree`);
    expect(vectors.length).toBe(4000);
    expect(
      mismatches.slice(0, 3).map((v) => ({ text: v.text, got: tokenize(v.text), want: v.tokens })),
    ).toEqual([]);
  });
});
