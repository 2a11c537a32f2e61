import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { createEvaluator } from "../src/evaluator.js";
import {
  findPunktDir,
  loadPunktParameters,
  PUNKT_FILES,
  SHIPPED_PUNKT_DIR,
} from "../src/tokenize/punkt-params.js";
import { createWordTokenizer } from "../src/tokenize/word-tokenize.js";
import { nltkSkip, punktDir } from "./helpers.js";

const savedEnv = process.env["NLTK_DATA"];
afterEach(() => {
  if (savedEnv === undefined) delete process.env["NLTK_DATA"];
  else process.env["NLTK_DATA"] = savedEnv;
});

describe("the shipped English punkt_tab tables", () => {
  it("are found without NLTK_DATA, and NLTK_DATA or an explicit path still wins", async () => {
    delete process.env["NLTK_DATA"];
    expect(findPunktDir()).toBe(SHIPPED_PUNKT_DIR);
    expect(SHIPPED_PUNKT_DIR.endsWith(join("metrics", "data", "punkt_tab", "english"))).toBe(true);
    await withTempDir(async (dir) => {
      const english = join(dir, "tokenizers", "punkt_tab", "english");
      mkdirSync(english, { recursive: true });
      for (const f of PUNKT_FILES) symlinkSync(join(SHIPPED_PUNKT_DIR, f), join(english, f));
      process.env["NLTK_DATA"] = dir;
      expect(findPunktDir()).toBe(english);
      process.env["NLTK_DATA"] = "/nonexistent";
      expect(findPunktDir()).toBe(SHIPPED_PUNKT_DIR);
      expect(findPunktDir({ path: english })).toBe(english);
    });
  });

  it("are NLTK's English parameters (156 abbreviations, 37 collocations, 39 starters, 20,366 types)", () => {
    delete process.env["NLTK_DATA"];
    const p = loadPunktParameters();
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
});

describe("R@kt with no NLTK data installed", () => {
  it("scores with the shipped tables, NLTK 3.8 and 3.9 alike where they agree", async () => {
    delete process.env["NLTK_DATA"];
    // Punkt ends the first sentence at "York." (so "York ." is a token pair), but not at "Dr." (an abbreviation)
    const text = new Map([["d1", "Good muffins cost $3.88 in New York.  Ask Dr. Smith's shop."]]);
    const queries = [
      { id: "q1", lang: "en", answers: ["York ."] },
      { id: "q2", lang: "en", answers: ["Dr. Smith 's"] },
      { id: "q3", lang: "en", answers: ["Dr . Smith"] },
    ];
    const run = new Map(queries.map((q) => [q.id, new Map([["d1", 1]])]));
    for (const tokenizer of ["nltk", "nltk-3.9"] as const) {
      const e = await createEvaluator({ queries, passageText: (d) => text.get(d)!, tokenizer }, [
        "R@2kt",
      ]).evaluate(run);
      expect(e.perQuery.map((q) => q.values["R@2kt"])).toEqual([1, 1, 0]);
      expect(e.tokenizer).toBe(tokenizer);
    }
  });
});

describe.skipIf(nltkSkip)("Punkt parameters", () => {
  it("ships byte-identical copies of the shared punkt_tab files", () => {
    for (const f of PUNKT_FILES)
      expect(readFileSync(join(SHIPPED_PUNKT_DIR, f)).equals(readFileSync(join(punktDir(), f)))).toBe(true);
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
