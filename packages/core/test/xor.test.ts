import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { JsonArrayScanner, readXorSubmissionSync, XqgError, type XqgErrorInit } from "../src/index.js";

function failure(fn: () => unknown): XqgError {
  try {
    fn();
  } catch (error) {
    if (error instanceof XqgError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("readXorSubmissionSync", () => {
  it("reads compact and pretty-printed submissions, braces inside strings included", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "submission.json");
      writeFileSync(
        path,
        '[{"id":"q1","lang":"ja","ctxs":["three\\nlines","one"]},{"id":"q2","lang":"te","ctxs":[]}]',
      );
      expect(readXorSubmissionSync(path)).toEqual([
        { id: "q1", lang: "ja", ctxs: ["three\nlines", "one"] },
        { id: "q2", lang: "te", ctxs: [] },
      ]);
      writeFileSync(
        path,
        '\ufeff[\r\n  {\r\n    "id": "a}", "lang": " AR",\n    "ctxs": ["{[x]}", "\\"]"]\n  }\n]\n',
      );
      expect(readXorSubmissionSync(path)).toEqual([{ id: "a}", lang: " AR", ctxs: ["{[x]}", '"]'] }]);
      expect(readXorSubmissionSync(path, { lang: (v) => v.trim().toLowerCase() })[0]!.lang).toBe("ar");
      writeFileSync(path, "[]");
      expect(readXorSubmissionSync(path)).toEqual([]);
    });
  });

  it("names the file, the line, the field and a code", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "bad.json");
      const cases: Array<[string, string, Partial<XqgErrorInit>]> = [
        [
          '[\n{"id":"q","lang":"ar","ctxs":[]},\n{"id":"r","lang":"ar"}\n]\n',
          `3: field "ctxs" missing`,
          { line: 3, field: "ctxs", code: "missing-field" },
        ],
        [
          '[\n{"id":"q","lang":"ar","ctxs":["x"]},\n{"id":"r",',
          "3: truncated file: the last array element is not closed",
          { code: "truncated" },
        ],
        ['[{"id":"q","lang":"ar","ctxs":[]},]', "1: trailing ',' before ]", { code: "invalid-json" }],
        [
          '[{"id":"q","lang":"ar","ctxs":[{"text":"x"}]}]',
          '1: field "ctxs[]" must be a string, got object',
          { field: "ctxs[]", code: "wrong-type" },
        ],
        ['[{"id":"","lang":"ar","ctxs":[]}]', '1: field "id" is empty', { field: "id", code: "bad-value" }],
        [
          '[{"id":"q","lang":1,"ctxs":[]}]',
          '1: field "lang" must be a language code, got number',
          { code: "wrong-type" },
        ],
        [
          '[{"id":"q","lang":"ar","ctxs":[]}',
          "1: truncated file: the array is not closed with ]",
          { code: "truncated" },
        ],
        ['{"id":"q"}', "1: expected a JSON array [ ... ] of objects", { code: "invalid-json" }],
        ["[1]", '1: array elements must be objects, found "1"', { code: "invalid-json" }],
        ['[{"id":"q",,}]', "1: invalid JSON: ", { code: "invalid-json" }],
      ];
      for (const [text, message, init] of cases) {
        writeFileSync(path, text);
        const error = failure(() => readXorSubmissionSync(path));
        expect(error.message.startsWith(`${path}:${message}`), error.message).toBe(true);
        expect(error).toMatchObject({ file: path, ...init });
      }
      writeFileSync(path, " \n");
      expect(failure(() => readXorSubmissionSync(path)).message).toBe(
        `${path}: file is empty (expected a JSON array [ ... ] of objects)`,
      );
      expect(failure(() => readXorSubmissionSync(join(dir, "nope.json")))).toMatchObject({
        message: `${join(dir, "nope.json")}: file not found`,
        code: "io",
      });
    });
  });

  it("throws the caller's error class", async () => {
    class InputError extends XqgError {
      override readonly name = "InputError";
    }
    await withTempDir(async (dir) => {
      const path = join(dir, "bad.json");
      writeFileSync(path, "[{}]");
      const error = failure(() => readXorSubmissionSync(path, { error: (r, i) => new InputError(r, i) }));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(`${path}:1: field "id" missing`);
    });
  });
});

describe("JsonArrayScanner", () => {
  it("gives the same elements and lines whatever the pieces", () => {
    const text = '[\n{"id":"a","x":"}{"},\n\n{"id":"b","y":[1,{"z":"\\""}]}\n]';
    const whole = new JsonArrayScanner("f");
    const expected = whole.push(text);
    whole.end();
    expect(expected.lines).toEqual([2, 4]);
    expect(expected.units.map((u) => JSON.parse(u).id)).toEqual(["a", "b"]);
    for (let size = 1; size <= 7; size++) {
      const scanner = new JsonArrayScanner("f");
      const units: string[] = [];
      const lines: number[] = [];
      for (let i = 0; i < text.length; i += size) {
        const got = scanner.push(text.slice(i, i + size));
        units.push(...got.units);
        lines.push(...got.lines);
      }
      scanner.end();
      expect({ units, lines }).toEqual(expected);
    }
  });
});
