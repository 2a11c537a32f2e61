import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureDir, goldens, spReferencePath } from "@xqg/fixtures";
import { sharedDataDir, sharedSkipReason, withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { loadTokenizer } from "../src/index.js";
import { createTokenizerBackend, PIECE_CHARS, type TokenizerBackendName } from "../src/tokenizer-backend.js";
import { loadSpReference } from "./sp-reference.js";

// Before pieces, the published library overflowed the stack on a 50,000-word text (tiny-mt5's Unigram puts a
// whole text's tokens into one call's arguments): generation of a 100k-word passage died with
// "Maximum call stack size exceeded".

const FIXTURES = ["tiny-mt5", "tiny-bert"] as const;
const IMPLEMENTATIONS: TokenizerBackendName[] = ["xqg", "hf-js"];
const SEPARATORS = [" ", "  ", "\n", " \t ", "\u3000", "\u00a0 ", "\n\n  ", "\u2003 "];

function specOf(name: (typeof FIXTURES)[number]): Record<string, unknown> {
  return JSON.parse(readFileSync(join(fixtureDir(name), "tokenizer.json"), "utf8")) as Record<
    string,
    unknown
  >;
}

/** The fixture's golden texts joined with every kind of white space, repeated to at least `chars`. */
async function mixedText(name: (typeof FIXTURES)[number], chars: number): Promise<string> {
  const texts = (await goldens(name)).tokenization.map((sample) => sample.text);
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const part = texts[i % texts.length]! + SEPARATORS[i % SEPARATORS.length]!;
    parts.push(part);
    length += part.length;
  }
  return parts.join("");
}

describe.each(FIXTURES)(
  "%s: long texts are read in pieces cut at spaces, with the ids of one call",
  (name) => {
    const file = join(fixtureDir(name), "tokenizer.json");
    const spec = specOf(name);

    it.each(IMPLEMENTATIONS)("%s: pieces of 128 characters give the ids of the whole text", async (impl) => {
      // 128 > the longest run without a space in the goldens (101 characters): every cut is at a space.
      const text = await mixedText(name, 6_000);
      const whole = createTokenizerBackend(spec, file, impl, Number.POSITIVE_INFINITY).contentIds(text);
      const pieces = createTokenizerBackend(spec, file, impl, 128);
      expect(pieces.contentIds(text)).toEqual(whole);
      // With a limit: at least that many ids, the same ones.
      for (const limit of [1, 5, 50, 400]) {
        const some = pieces.contentIds(text, limit);
        expect(some.length).toBeGreaterThanOrEqual(limit);
        expect(some).toEqual(whole.slice(0, some.length));
      }
    });

    it("a text past PIECE_CHARS: the same ids as one call, and maxLength reads only what it keeps", async () => {
      const text = await mixedText(name, PIECE_CHARS * 3);
      const tokenizer = await loadTokenizer(fixtureDir(name));
      const whole = createTokenizerBackend(spec, file, "xqg", Number.POSITIVE_INFINITY).contentIds(text);
      const { ids } = tokenizer.encode(text, { addSpecialTokens: false });
      expect(ids).toEqual(whole);
      const cut = tokenizer.encode(text, { maxLength: 128 });
      expect(cut.ids).toEqual(tokenizer.encode(text.slice(0, 4_000), { maxLength: 128 }).ids);
      expect(cut.ids.length).toBe(128);
    });

    it("100k words and 1M characters (with and without spaces) never crash, within seconds", {
      timeout: 30_000,
    }, async () => {
      const tokenizer = await loadTokenizer(fixtureDir(name));
      const words = Array.from({ length: 100_000 }, (_, i) => `word${i % 97}`).join(" ");
      const started = performance.now();
      const head = tokenizer.encode(words.slice(0, 2_000), { maxLength: 512 }).ids;
      expect(tokenizer.encode(words, { maxLength: 512 }).ids).toEqual(head);
      const all = tokenizer.encode(words, { addSpecialTokens: false }).ids;
      expect(all.length).toBeGreaterThan(100_000);
      const spaced = "ab ".repeat(333_334);
      expect(spaced.length).toBeGreaterThan(1_000_000);
      expect(tokenizer.encode(spaced, { maxLength: 64 }).ids).toEqual(
        tokenizer.encode("ab ".repeat(100), { maxLength: 64 }).ids,
      );
      // A million characters without a space: cut every PIECE_CHARS characters (the documented ceiling).
      const solid = "a".repeat(1_000_000);
      const first = tokenizer.encode(solid.slice(0, PIECE_CHARS), { addSpecialTokens: false }).ids;
      const solidIds = tokenizer.encode(solid, { addSpecialTokens: false }).ids;
      expect(solidIds.slice(0, first.length)).toEqual(first);
      expect(tokenizer.encode(solid, { maxLength: 8 }).ids.length).toBeLessThanOrEqual(8);
      expect(performance.now() - started).toBeLessThan(20_000);
    });
  },
);

it("a piece never ends between the two halves of a surrogate pair", async () => {
  const tokenizer = await loadTokenizer(fixtureDir("tiny-mt5"));
  const emoji = "😀".repeat(PIECE_CHARS); // 2 × PIECE_CHARS code units, no space
  const ids = tokenizer.encode(emoji, { addSpecialTokens: false }).ids;
  const unk = tokenizer.tokenToId("<unk>");
  expect(ids.every((id) => id === unk || tokenizer.idToToken(id) === "▁")).toBe(true);
  expect(tokenizer.decode(ids)).not.toContain("\ufffd");
});

const reason = sharedSkipReason("xor-tydi");
describe.skipIf(reason)("pieces on the shared XOR-TyDi text", () => {
  it("81,004 lines in texts of 300 lines, cut into pieces of 256 characters: the ids of one call", {
    timeout: 600_000,
  }, () => {
    const reference = loadSpReference(spReferencePath(), join(sharedDataDir()!, "xor-tydi"));
    const file = join(fixtureDir("tiny-mt5"), "tokenizer.json");
    const spec = specOf("tiny-mt5");
    const whole = createTokenizerBackend(spec, file, "xqg", Number.POSITIVE_INFINITY);
    const pieces = createTokenizerBackend(spec, file, "xqg", 256);
    const differing: number[] = [];
    for (let start = 0; start < reference.length; start += 300) {
      const lines = reference.slice(start, start + 300).map((record) => record.text);
      const text = lines.map((line, i) => line + SEPARATORS[i % SEPARATORS.length]).join("");
      if (JSON.stringify(pieces.contentIds(text)) !== JSON.stringify(whole.contentIds(text)))
        differing.push(start);
    }
    expect(differing).toEqual([]);
  });
});

describe("a tokenizer.json this package cannot run exactly", () => {
  it("an unknown model type is refused, not guessed from its fields", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "tokenizer.json");
      const spec = specOf("tiny-bert");
      writeFileSync(
        file,
        JSON.stringify({ ...spec, model: { ...(spec["model"] as object), type: "WordLevel" } }),
      );
      await expect(loadTokenizer(file)).rejects.toThrow(
        expect.objectContaining({
          code: "unsupported-tokenizer",
          message: `${file}: model type "WordLevel" is not supported (expected one of WordPiece, Unigram, BPE)`,
        }),
      );
    });
  });

  it("an unknown normalizer names the file", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "tokenizer.json");
      writeFileSync(file, JSON.stringify({ ...specOf("tiny-bert"), normalizer: { type: "Sparkle" } }));
      await expect(loadTokenizer(file)).rejects.toThrow(
        `${file}: cannot build this tokenizer: Unknown Normalizer type: Sparkle`,
      );
    });
  });
});
