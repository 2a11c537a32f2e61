import { fixtureDir, goldens } from "@xqg/fixtures";
import { describe, expect, it } from "vitest";
import { loadTokenizer } from "../src/index.js";

const dir = fixtureDir("tiny-bert");
const golden = await goldens("tiny-bert");
const tokenizer = await loadTokenizer(dir);

describe("WordPiece tokenizer (tiny-bert) against the goldens", () => {
  it.each(golden.tokenization.map((sample) => [sample.lang, sample]))(
    "%s: ids and type ids",
    (_lang, sample) => {
      const encoding = tokenizer.encode(sample.text);
      expect(encoding.ids).toEqual(sample.ids);
      expect(encoding.typeIds).toEqual(sample.type_ids);
      expect(encoding.attentionMask).toEqual(sample.ids.map(() => 1));
      expect(sample.tokens.map((token) => tokenizer.tokenToId(token))).toEqual(sample.ids);
    },
  );

  it("truncates to max_length keeping [CLS] and [SEP]", () => {
    const { text, max_length, ids } = golden.truncation;
    expect(tokenizer.encode(text, { maxLength: max_length }).ids).toEqual(ids);
    expect(tokenizer.specialTokenCount).toBe(2);
  });

  it("knows the special tokens", () => {
    expect(tokenizer.padId).toBe(golden.special_tokens["[PAD]"]);
    expect(tokenizer.eosId).toBeUndefined();
    expect(tokenizer.encode("abc", { addSpecialTokens: false }).ids).not.toContain(
      golden.special_tokens["[CLS]"],
    );
  });

  it("refuses a maxLength that leaves no room for content", () => {
    expect(() => tokenizer.encode("abc", { maxLength: 2 })).toThrow(
      "maxLength must be an integer of at least 3 (the template adds 2 special tokens), got 2",
    );
  });
});
