import { describe, expect, it } from "vitest";
import {
  CorpusError,
  FORMATS,
  isLanguageCode,
  LANGUAGES,
  openNpy,
  readPassages,
  readQueries,
  writePassages,
  writeQueries,
} from "../src/index.js";

describe("options from plain JavaScript", () => {
  it("an unknown option is named, with the nearest known one", async () => {
    expect(() => readPassages("x.jsonl", { fromat: "jsonl" } as never)).toThrow(
      'readPassages: unknown option "fromat" (did you mean "format"?)',
    );
    expect(() => readQueries("x.jsonl", { language: "ar" } as never)).toThrow(
      'readQueries: unknown option "language"',
    );
    await expect(writePassages("x.jsonl", [], { gzp: true } as never)).rejects.toThrow(
      'writePassages: unknown option "gzp" (did you mean "gzip"?)',
    );
    await expect(writeQueries("x.jsonl", [], { withLanguage: true } as never)).rejects.toThrow(
      'writeQueries: unknown option "withLanguage"',
    );
    await expect(openNpy("x.npy", { finite: false } as never)).rejects.toThrow(
      'openNpy: unknown option "finite"',
    );
  });
});

describe("isLanguageCode", () => {
  it("checks the ISO 639-1 form, and membership of a language set when given one", () => {
    expect(["sw", "ar"].map((code) => isLanguageCode(code))).toEqual([true, true]);
    expect(["SW", "swa", "sw-KE", 3].map((code) => isLanguageCode(code))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(isLanguageCode("ar", LANGUAGES)).toBe(true);
    expect(isLanguageCode("sw", LANGUAGES)).toBe(false);
    expect(isLanguageCode("sw", { ...LANGUAGES, sw: "Swahili" })).toBe(true);
  });
});

describe("FORMATS and CorpusError", () => {
  it("lists every format, dtype and duplicate policy with the defaults", () => {
    expect(Object.keys(FORMATS)).toEqual([
      "passages",
      "queries",
      "generated",
      "runs",
      "npyDtypes",
      "duplicates",
      "defaults",
    ]);
    expect(Object.keys(FORMATS.npyDtypes)).toEqual(["float32", "float16"]);
    expect(FORMATS.defaults).toEqual({ tsv: { fieldSizeLimit: 131_072 }, npy: { dtype: "float32" } });
    expect(Object.keys(FORMATS.duplicates)).toEqual(["error", "first", "last"]);
  });

  it("has one constructor shape: reason, then { code, file, line?, field?, cause? }", () => {
    const cause = new Error("EACCES");
    const error = new CorpusError("permission denied", {
      code: "io",
      file: "a.jsonl",
      line: 3,
      field: "x",
      cause,
    });
    expect([error.message, error.reason, error.code, error.line, error.field, error.cause]).toEqual([
      "a.jsonl:3: permission denied",
      "permission denied",
      "io",
      3,
      "x",
      cause,
    ]);
  });
});
