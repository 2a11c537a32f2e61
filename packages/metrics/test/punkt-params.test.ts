import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { findPunktDir, loadPunktParameters } from "../src/tokenize/punkt-params.js";
import { createWordTokenizer } from "../src/tokenize/word-tokenize.js";
import { nltkSkip, punktDir } from "./helpers.js";

const savedEnv = process.env["NLTK_DATA"];
afterEach(() => {
  if (savedEnv === undefined) delete process.env["NLTK_DATA"];
  else process.env["NLTK_DATA"] = savedEnv;
});

describe.skipIf(nltkSkip)("Punkt parameters", () => {
  it("reads the English punkt_tab files as NLTK's sets and map", () => {
    const p = loadPunktParameters({ path: punktDir() });
    expect(p.abbrevTypes.size).toBe(156);
    expect(p.abbrevTypes.has(". . ")).toBe(true);
    expect(p.abbrevTypes.has("u.s")).toBe(true);
    expect(p.abbrevTypes.has("e.g")).toBe(false);
    expect(p.collocations.size).toBe(37);
    expect(p.collocations.has("##number##\tinternational")).toBe(true);
    expect(p.sentStarters.size).toBe(39);
    expect(p.orthoContext.size).toBe(20366);
    expect(p.orthoContext.get("springsteen")).toBe(4);
  });

  it("finds them under $NLTK_DATA (tokenizers/punkt_tab/english) and under an explicit root", async () => {
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, "tokenizers", "punkt_tab"), { recursive: true });
      symlinkSync(punktDir(), join(dir, "tokenizers", "punkt_tab", "english"));
      process.env["NLTK_DATA"] = `/nonexistent:${dir}`;
      expect(findPunktDir()).toBe(join(dir, "tokenizers", "punkt_tab", "english"));
      expect(findPunktDir({ path: dir })).toBe(join(dir, "tokenizers", "punkt_tab", "english"));
      expect(findPunktDir({ path: join(dir, "tokenizers", "punkt_tab") })).toBe(
        join(dir, "tokenizers", "punkt_tab", "english"),
      );
    });
  });

  it("fails with a one-line error naming the download command", async () => {
    await withTempDir(async (dir) => {
      expect(() => findPunktDir({ path: dir })).toThrow(/^[^\n]*python -m nltk\.downloader punkt_tab[^\n]*$/);
    });
  });
});

describe.skipIf(nltkSkip)("word tokenizer, hand-checked cases", () => {
  const tokenize = nltkSkip
    ? Object.assign((t: string) => [t], { sentences: (t: string) => [t] })
    : createWordTokenizer({ path: punktDir() });

  it("splits sentences with Punkt before the Treebank rules (NLTK docs example)", () => {
    const s = "Good muffins cost $3.88\nin New York.  Please buy me\ntwo of them.\n\nThanks.";
    expect(tokenize(s)).toEqual(
      "Good muffins cost $ 3.88 in New York . Please buy me two of them . Thanks .".split(" "),
    );
    expect(tokenize.sentences(s)).toEqual([
      "Good muffins cost $3.88\nin New York.",
      "Please buy me\ntwo of them.",
      "Thanks.",
    ]);
  });

  it("handles quotes, contractions, abbreviations and the final period", () => {
    expect(tokenize(`"Peter's dog can't go," she said. They cannot, Dr. Smith.`)).toEqual([
      "``",
      "Peter",
      "'s",
      "dog",
      "ca",
      "n't",
      "go",
      ",",
      "''",
      "she",
      "said",
      ".",
      "They",
      "can",
      "not",
      ",",
      "Dr.",
      "Smith",
      ".",
    ]);
    expect(tokenize("It costs (roughly) 3,36 euros -- see e.g. U.S. law...")).toEqual([
      "It",
      "costs",
      "(",
      "roughly",
      ")",
      "3,36",
      "euros",
      "--",
      "see",
      "e.g",
      ".",
      "U.S.",
      "law",
      "...",
    ]);
  });
});
