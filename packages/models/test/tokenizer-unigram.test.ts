import { join } from "node:path";
import { fixtureDir, goldens, spReferencePath } from "@xqg/fixtures";
import { sharedDataDir, sharedSkipReason } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { loadTokenizer } from "../src/index.js";
import { loadSpReference } from "./sp-reference.js";

const dir = fixtureDir("tiny-mt5");
const golden = await goldens("tiny-mt5");
const tokenizer = await loadTokenizer(dir);

describe("Unigram tokenizer (tiny-mt5) against SentencePiece", () => {
  it.each(golden.tokenization.map((sample) => [sample.lang, sample]))(
    "%s: ids equal the goldens",
    (_lang, sample) => {
      expect(tokenizer.encode(sample.text).ids).toEqual(sample.ids);
    },
  );

  it("knows pad, eos and the </s> template", () => {
    expect(tokenizer.padId).toBe(golden.special_tokens.pad);
    expect(tokenizer.eosId).toBe(golden.special_tokens.eos);
    expect(tokenizer.specialTokenCount).toBe(1);
    const { ids } = tokenizer.encode(golden.tokenization[0]!.text, { maxLength: 5 });
    expect(ids).toEqual([...golden.tokenization[0]!.ids.slice(0, 4), golden.special_tokens.eos]);
  });

  it("decodes back to the text (special tokens skipped)", () => {
    const sample = golden.generation.prompts[0]!;
    expect(tokenizer.decode(sample.output_ids)).toBe(sample.text);
  });

  it("applies the Precompiled charsmap as SentencePiece does where the published JS library does not", async () => {
    const plain = await loadTokenizer(dir, { implementation: "hf-js" });
    // Dad + shadda + fatha: NFKC reorders the marks (fatha first), the charsmap keeps them as written.
    const arabic = "\u0636\u0651\u064E";
    const shadda = tokenizer.tokenToId("\u0651")!;
    const fatha = tokenizer.tokenToId("\u064E")!;
    expect(tokenizer.encode(arabic, { addSpecialTokens: false }).ids.slice(-2)).toEqual([shadda, fatha]);
    expect(plain.encode(arabic, { addSpecialTokens: false }).ids.slice(-2)).toEqual([fatha, shadda]);
    // Bengali ra + ZWJ + virama (ra-phala): the library turns U+200D into a space, splitting the word.
    const bengali = "\u09B0\u200D\u09CD\u09AF\u09BE";
    const space = tokenizer.tokenToId("\u2581")!;
    expect(tokenizer.encode(bengali, { addSpecialTokens: false }).ids.indexOf(space, 1)).toBe(-1);
    expect(plain.encode(bengali, { addSpecialTokens: false }).ids.indexOf(space, 1)).toBeGreaterThan(0);
    // Fullwidth letters fold to ASCII in both.
    expect(tokenizer.encode("ＡＢＣ").ids).toEqual(tokenizer.encode("ABC").ids);
  });
});

// Every line of the shared XOR-TyDi text (train questions and the parallel files), tokenised with the
// SentencePiece model itself by the fixture builder. The remaining mismatches are where tokenizer.json
// semantics (Hugging Face's Rust `tokenizers`, which gives the same ids as this implementation on every line)
// differ from SentencePiece: Telugu clusters of 6+ UTF-8 bytes normalised per character, and one Viterbi tie.
const REFERENCE_LINES = 81_004;
// The lines (source:line) that differ, pinned one by one: a fix on one line and a break on another must not
// cancel out in a count. 80,996 / 81,004 = 99.990% of lines identical to SentencePiece.
const XQG_MISMATCHES = [
  "xor_train_retrieve_eng_span.jsonl:14042",
  "xor_train_retrieve_eng_span.jsonl:14431",
  "xor_train_retrieve_eng_span.jsonl:15188",
  "parallel/fi-en/fi.txt:546",
  "parallel/te-en/te.txt:608",
  "parallel/te-en/te.txt:891",
  "parallel/te-en/te.txt:1033",
  "parallel/te-en/te.txt:2433",
];
// 80,991 / 81,004 = 99.984%.
const HF_JS_MISMATCHES = [
  "xor_train_retrieve_eng_span.jsonl:1674",
  "xor_train_retrieve_eng_span.jsonl:1900",
  "xor_train_retrieve_eng_span.jsonl:13031",
  "parallel/ar-en/ar.txt:1689",
  "parallel/ar-en/ar.txt:1846",
  "parallel/ar-en/ar.txt:3816",
  "parallel/bn-en/bn.txt:397",
  "parallel/bn-en/bn.txt:2419",
  "parallel/bn-en/bn.txt:3907",
  "parallel/bn-en/bn.txt:4121",
  "parallel/fi-en/fi.txt:546",
  "parallel/te-en/te.txt:2369",
  "parallel/te-en/te.txt:4732",
];

const reason = sharedSkipReason("xor-tydi");
if (reason) console.warn(reason);
describe.skipIf(reason)("parity with SentencePiece on the shared XOR-TyDi text", () => {
  const reference = reason ? [] : loadSpReference(spReferencePath(), join(sharedDataDir()!, "xor-tydi"));

  /** The reference lines where `tok` gives other ids than SentencePiece, as "source:line", in reference order. */
  function mismatches(tok: typeof tokenizer): string[] {
    const lines: string[] = [];
    for (const record of reference) {
      const ids = tok.encode(record.text).ids;
      if (ids.length === record.ids.length && ids.every((id, i) => id === record.ids[i])) continue;
      lines.push(`${record.source}:${record.line}`);
    }
    return lines;
  }

  it("xqg (default): 80,996 of 81,004 lines identical, the 8 others pinned", { timeout: 600_000 }, () => {
    expect(reference.length).toBe(REFERENCE_LINES);
    expect(mismatches(tokenizer)).toEqual(XQG_MISMATCHES);
  });

  it("hf-js (the published library): 80,991 of 81,004 lines identical, the 13 others pinned", {
    timeout: 600_000,
  }, async () => {
    const plain = await loadTokenizer(dir, { implementation: "hf-js" });
    expect(mismatches(plain)).toEqual(HF_JS_MISMATCHES);
  });
});
