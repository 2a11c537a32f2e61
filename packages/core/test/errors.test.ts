import { describe, expect, it } from "vitest";
import { isXqgError, XqgError } from "../src/index.js";

class DataError extends XqgError {
  override readonly name = "DataError";
}

describe("XqgError", () => {
  it("renders file:line: reason and keeps the parts", () => {
    const cause = new Error("ENOENT");
    const error = new DataError('field "text" missing', {
      file: "corpus.jsonl",
      line: 1042,
      field: "text",
      code: "missing-field",
      cause,
    });
    expect(error.message).toBe('corpus.jsonl:1042: field "text" missing');
    expect(error).toMatchObject({
      name: "DataError",
      reason: 'field "text" missing',
      file: "corpus.jsonl",
      line: 1042,
      field: "text",
      code: "missing-field",
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe('DataError: corpus.jsonl:1042: field "text" missing');
  });

  it("leaves the reason alone without a file, or when told the reason names the file", () => {
    expect(new XqgError("k must be a positive integer", { code: "invalid-option" }).message).toBe(
      "k must be a positive integer",
    );
    expect(
      new XqgError("x.json: file not found", { code: "io", file: "x.json", prefix: false }).message,
    ).toBe("x.json: file not found");
    expect(new XqgError("file not found", { code: "io", file: "x.json" }).message).toBe(
      "x.json: file not found",
    );
    expect(new XqgError("r", { code: "c" }, { cause: 1 }).cause).toBe(1);
    expect("cause" in new XqgError("r", { code: "c" })).toBe(false);
    expect(new XqgError("r", { code: "c" }).name).toBe("XqgError");
  });

  it("isXqgError knows the subclasses, and errors of another copy of the package, and nothing else", () => {
    expect(isXqgError(new DataError("r", { code: "c" }))).toBe(true);
    expect(isXqgError(new Error("r"))).toBe(false);
    expect(isXqgError(new TypeError("r"))).toBe(false);
    expect(isXqgError({ message: "r", code: "c" })).toBe(false);
    expect(isXqgError(undefined)).toBe(false);
    // What another copy's XqgError looks like: a different class, the same global brand.
    class Other extends Error {
      get [Symbol.for("@xqg/core.XqgError")]() {
        return true;
      }
    }
    expect(isXqgError(new Other("r"))).toBe(true);
  });
});
