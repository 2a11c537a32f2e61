import { readFileSync } from "node:fs";
import { type XqgErrorFactory, type XqgErrorInit, xqgError } from "./errors.js";

/** One query's entry of an XOR-TyDi XOR-Retrieve submission (what `eval_xor_retrieve.py` reads). */
export interface XorSubmissionEntry<L extends string = string> {
  id: string;
  lang: L;
  /** Passage texts, best first. */
  ctxs: string[];
}

export interface XorParseOptions<L extends string = string> {
  /**
   * Checks or normalises `lang` (already known to be a string); throw to refuse it. Default: any string, as
   * the official script takes each prediction's language as given.
   */
  lang?: (value: string, line: number) => L;
  /** Makes the errors, so that a package can throw its own XqgError subclass. Default: XqgError. */
  error?: XqgErrorFactory;
}

/** Pieces of a top-level JSON array: each element's text and the line it starts on. */
export interface JsonArrayUnits {
  units: string[];
  lines: number[];
}

/**
 * Cuts a top-level JSON array of objects into its elements without holding the whole text: feed it the text
 * in pieces with `push`, then call `end`. It tracks strings and nesting and reports structure errors with
 * the line (`trailing ',' before ]`, `truncated file: …`); the elements themselves are parsed by the caller.
 */
export class JsonArrayScanner {
  #line = 1;
  #state: "before" | "inside" | "after" = "before";
  #depth = 0;
  #inString = false;
  #escaped = false;
  #pending = "";
  #elementLine = 0;
  #elements = 0;
  #expectValue = true;

  constructor(
    readonly file: string,
    private readonly error: XqgErrorFactory = xqgError,
  ) {}

  /** The line the scanner has reached (1-based). */
  get line(): number {
    return this.#line;
  }

  /** Whether the opening `[` has been seen (false for a file of only whitespace). */
  get started(): boolean {
    return this.#state !== "before";
  }

  #fail(reason: string, code: "invalid-json" | "truncated" = "invalid-json"): never {
    throw this.error(reason, { file: this.file, line: this.#line, code });
  }

  /** The elements completed by this piece of text. */
  push(text: string): JsonArrayUnits {
    const units: string[] = [];
    const lines: number[] = [];
    let start = this.#depth > 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.#line++;
      if (this.#depth > 0) {
        if (this.#inString) {
          if (this.#escaped) this.#escaped = false;
          else if (c === 92) this.#escaped = true;
          else if (c === 34) this.#inString = false;
        } else if (c === 34) this.#inString = true;
        else if (c === 123 || c === 91) this.#depth++;
        else if ((c === 125 || c === 93) && --this.#depth === 0) {
          units.push(this.#pending + text.slice(start, i + 1));
          lines.push(this.#elementLine);
          this.#pending = "";
          start = -1;
          this.#elements++;
          this.#expectValue = false;
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (this.#state === "before") {
        if (c !== 91) this.#fail("expected a JSON array [ ... ] of objects");
        this.#state = "inside";
      } else if (this.#state === "after") {
        this.#fail("unexpected text after the closing ]");
      } else if (c === 93) {
        if (this.#expectValue && this.#elements > 0) this.#fail("trailing ',' before ]");
        this.#state = "after";
      } else if (c === 44) {
        if (this.#expectValue) this.#fail("unexpected ',' in array");
        this.#expectValue = true;
      } else if (c === 123) {
        if (!this.#expectValue) this.#fail("expected ',' between array elements");
        this.#depth = 1;
        start = i;
        this.#elementLine = this.#line;
      } else {
        this.#fail(`array elements must be objects, found ${JSON.stringify(text[i])}`);
      }
    }
    if (this.#depth > 0) this.#pending += text.slice(start);
    return { units, lines };
  }

  /** Checks that the text ended with the array closed. */
  end(): void {
    if (this.#depth > 0) {
      this.#line = this.#elementLine;
      this.#fail("truncated file: the last array element is not closed", "truncated");
    }
    if (this.#state === "inside") this.#fail("truncated file: the array is not closed with ]", "truncated");
  }
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * Parses one submission element (the text of a JSON object starting on `line`) into `{id, lang, ctxs}`:
 * `id` a non-empty string, `lang` a string (see `options.lang`), `ctxs` an array of strings.
 */
export function parseXorEntry<L extends string = string>(
  text: string,
  file: string,
  line: number,
  options: XorParseOptions<L> = {},
): XorSubmissionEntry<L> {
  const make = options.error ?? xqgError;
  const fail = (reason: string, code: string, field?: string, cause?: unknown) => {
    const init: XqgErrorInit = { file, line, field, code };
    if (cause !== undefined) init.cause = cause;
    return make(reason, init);
  };
  const missing = (field: string) => fail(`field "${field}" missing`, "missing-field", field);
  const wrongType = (field: string, expected: string, value: unknown) =>
    fail(`field "${field}" must be ${expected}, got ${typeName(value)}`, "wrong-type", field);
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw fail(`invalid JSON: ${(error as Error).message}`, "invalid-json", undefined, error);
  }
  if (typeof record !== "object" || record === null || Array.isArray(record))
    throw fail(`record must be a JSON object, got ${typeName(record)}`, "wrong-type");
  const id = record["id"];
  if (id === undefined) throw missing("id");
  if (typeof id !== "string") throw wrongType("id", "a string", id);
  if (id.length === 0) throw fail(`field "id" is empty`, "bad-value", "id");
  const lang = record["lang"];
  if (lang === undefined) throw missing("lang");
  if (typeof lang !== "string") throw wrongType("lang", "a language code", lang);
  const ctxs = record["ctxs"];
  if (ctxs === undefined) throw missing("ctxs");
  if (!Array.isArray(ctxs)) throw wrongType("ctxs", "an array of strings", ctxs);
  for (const item of ctxs) if (typeof item !== "string") throw wrongType("ctxs[]", "a string", item);
  return { id, lang: options.lang ? options.lang(lang, line) : (lang as L), ctxs: ctxs as string[] };
}

/**
 * Reads a whole XOR-Retrieve submission (`[{id, lang, ctxs: [passage text, ...]}, ...]`, as
 * `eval_xor_retrieve.py` takes it) synchronously. Errors name the file and the line of the bad entry.
 * `@xqg/corpus`'s `readXorSubmission` streams the same format with the same checks.
 */
export function readXorSubmissionSync<L extends string = string>(
  path: string,
  options: XorParseOptions<L> = {},
): XorSubmissionEntry<L>[] {
  const make = options.error ?? xqgError;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "file not found" : (error as Error).message;
    throw make(reason, { file: path, code: "io", cause: error });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const scanner = new JsonArrayScanner(path, make);
  const { units, lines } = scanner.push(text);
  scanner.end();
  if (!scanner.started)
    throw make("file is empty (expected a JSON array [ ... ] of objects)", {
      file: path,
      code: "empty-file",
    });
  return units.map((unit, i) => parseXorEntry(unit, path, lines[i]!, options));
}
