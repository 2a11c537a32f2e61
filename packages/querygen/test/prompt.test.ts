import { LANGUAGES } from "@xqg/corpus";
import { describe, expect, it } from "vitest";
import { formatPrompt, GENERATION_DEFAULTS } from "../src/index.js";
import { resolveOptions } from "../src/options.js";
import { PROMPT_TEMPLATE } from "../src/prompt.js";

describe("prompts", () => {
  it("is the paper's template, verbatim", () => {
    expect(PROMPT_TEMPLATE).toBe("Generate a {Language} question for this passage: {title} {passage}");
    expect(
      formatPrompt(PROMPT_TEMPLATE, { lang: "te", title: "Hamlet", passage: "A play by Shakespeare." }),
    ).toBe("Generate a Telugu question for this passage: Hamlet A play by Shakespeare.");
  });

  it("substitutes once: braces inside the passage stay as they are", () => {
    expect(
      formatPrompt("{lang}/{Language}: {passage}", {
        lang: "ja",
        title: "{passage}",
        passage: "x {title} y",
      }),
    ).toBe("ja/Japanese: x {title} y");
  });

  it("names other languages by the English names given (ISO 639-1 codes)", () => {
    const names = { ...LANGUAGES, sw: "Swahili" };
    expect(formatPrompt(PROMPT_TEMPLATE, { lang: "sw", title: "Nairobi", passage: "A city." }, names)).toBe(
      "Generate a Swahili question for this passage: Nairobi A city.",
    );
    expect(() => formatPrompt(PROMPT_TEMPLATE, { lang: "sw" as "ar", title: "", passage: "" })).toThrow(
      'no English name for language "sw"; known: ar, bn, fi, ja, ko, ru, te',
    );
  });

  it("names an unknown placeholder and the allowed ones", () => {
    expect(() => formatPrompt("{language} {passage}", { lang: "ja", title: "", passage: "" })).toThrow(
      "prompt template has unknown placeholder {language}; allowed: {Language}, {lang}, {title}, {passage}",
    );
  });
});

describe("resolveOptions", () => {
  it("defaults to the paper's settings", () => {
    const r = resolveOptions();
    expect(r.languages).toEqual(["ar", "bn", "fi", "ja", "ko", "ru", "te"]);
    expect(r.prompt).toBe(PROMPT_TEMPLATE);
    expect(r.decode).toMatchObject({
      strategy: "sample",
      numReturn: 5,
      maxLength: 64,
      sampling: { topK: 50, topP: 1, temperature: 1 },
      seed: 0,
    });
    expect(GENERATION_DEFAULTS.perLanguage).toBe(5);
  });

  it("gives greedy one query per language and beam search numBeams = perLanguage", () => {
    expect(resolveOptions({ strategy: "greedy" }).decode.numReturn).toBe(1);
    expect(resolveOptions({ strategy: "beam", perLanguage: 3 }).decode).toMatchObject({
      numBeams: 3,
      numReturn: 3,
    });
  });

  it("takes other languages from languageNames: all of them by default, checked", () => {
    const r = resolveOptions({ languageNames: { sw: "Swahili", de: "German" } });
    expect(r.languages).toEqual(["sw", "de"]);
    expect(r.languageNames).toEqual({ sw: "Swahili", de: "German" });
    expect(
      resolveOptions({ languageNames: { ...LANGUAGES, sw: "Swahili" }, languages: ["sw", "ja"] }).languages,
    ).toEqual(["sw", "ja"]);
    expect(() => resolveOptions({ languages: ["sw" as "ar"] })).toThrow(
      'languages: unknown language "sw"; expected some of ar, bn, fi, ja, ko, ru, te (name others in languageNames)',
    );
    expect(() => resolveOptions({ languageNames: { sw: "Swahili" }, languages: ["ar" as "sw"] })).toThrow(
      'languages: unknown language "ar"; expected some of sw',
    );
    expect(() => resolveOptions({ languageNames: { SW: "Swahili" } })).toThrow(
      'languageNames: "SW" is not an ISO 639-1 code (two lowercase letters, e.g. "sw")',
    );
    expect(() => resolveOptions({ languageNames: { sw: " " } })).toThrow(
      'languageNames: the name of "sw" must be its English name (a non-empty string, e.g. "Swahili")',
    );
    expect(() => resolveOptions({ languageNames: {} })).toThrow("languageNames names no language");
  });

  it("rejects bad options, naming the option and the allowed values", () => {
    expect(() => resolveOptions({ strategy: "nucleus" as never })).toThrow(
      'strategy must be one of sample, greedy, beam, got "nucleus"',
    );
    expect(() => resolveOptions({ languages: ["ja", "xx" as never] })).toThrow(
      /unknown language "xx"; expected some of ar, bn/,
    );
    expect(() => resolveOptions({ languages: ["ja", "ja"] })).toThrow(/twice/);
    expect(() => resolveOptions({ strategy: "greedy", perLanguage: 5 })).toThrow(
      /greedy decoding gives one query/,
    );
    expect(() => resolveOptions({ strategy: "beam", perLanguage: 5, numBeams: 2 })).toThrow(
      /numBeams 2 < perLanguage 5/,
    );
    expect(() => resolveOptions({ maxLength: 0 })).toThrow("maxLength must be an integer >= 1, got 0");
    expect(() => resolveOptions({ finished: "keep" as never })).toThrow(/finished must be one of drop, pad/);
    expect(() => resolveOptions({ seed: 0.5 })).toThrow(/seed must be a safe integer/);
    expect(() => resolveOptions({ prompt: "{x}" })).toThrow(/unknown placeholder \{x\}/);
  });
});
