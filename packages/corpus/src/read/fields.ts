import { CorpusError } from "../errors.js";
import { DEFAULT_LANGUAGE_SET, type LanguageSet } from "../languages.js";
import type { ParseContext } from "./reader.js";

export type JsonObject = Record<string, unknown>;

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Field access with errors of the form `file:line: field "x" missing`. */
export class Fields {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {}

  error(reason: string, field: string | undefined, code: CorpusError["code"]): CorpusError {
    return new CorpusError(reason, { file: this.file, line: this.line, field, code });
  }

  missing(field: string): CorpusError {
    return this.error(`field "${field}" missing`, field, "missing-field");
  }

  wrongType(field: string, expected: string, value: unknown): CorpusError {
    return this.error(`field "${field}" must be ${expected}, got ${typeName(value)}`, field, "wrong-type");
  }

  json(text: string, unterminated: boolean): JsonObject {
    return parseJsonObject(text, this.file, this.line, unterminated);
  }

  required(record: JsonObject, field: string): unknown {
    const value = record[field];
    if (value === undefined) throw this.missing(field);
    return value;
  }

  string(record: JsonObject, field: string, options: { nonEmpty?: boolean } = {}): string {
    const value = record[field];
    if (value === undefined) throw this.missing(field);
    if (typeof value !== "string") throw this.wrongType(field, "a string", value);
    if (options.nonEmpty && value.length === 0)
      throw this.error(`field "${field}" is empty`, field, "bad-value");
    return value;
  }

  stringArray(value: unknown, field: string): string[] {
    if (!Array.isArray(value)) throw this.wrongType(field, "an array of strings", value);
    for (const item of value) {
      if (typeof item !== "string") throw this.wrongType(`${field}[]`, "a string", item);
    }
    return value as string[];
  }

  /**
   * A language code of `languages` (default: the seven XOR-TyDi languages); `" ar"` or `"AR"` is read as "ar"
   * with a warning, an unknown code is an error. The one rule of every reader.
   */
  lang<L extends string>(
    value: unknown,
    field: string,
    context: ParseContext,
    languages: LanguageSet = DEFAULT_LANGUAGE_SET,
  ): L {
    if (value === undefined) throw this.missing(field);
    if (typeof value !== "string") throw this.wrongType(field, "a language code", value);
    if (languages.has(value)) return value as L;
    const normalised = value.trim().toLowerCase();
    if (languages.has(normalised)) {
      const message = `field "${field}": language ${JSON.stringify(value)} read as "${normalised}"`;
      context.warn(this.line, field, "normalised-language", message);
      return normalised as L;
    }
    throw this.error(unknownLanguage(field, value, languages), field, "unknown-language");
  }

  integer(text: string, field: string): number {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || text.trim() === "") {
      throw this.error(
        `field "${field}" must be an integer, got ${JSON.stringify(text)}`,
        field,
        "bad-value",
      );
    }
    return value;
  }

  number(text: string, field: string): number {
    const value = Number(text);
    if (text.trim() === "" || Number.isNaN(value)) {
      throw this.error(`field "${field}" must be a number, got ${JSON.stringify(text)}`, field, "bad-value");
    }
    return value;
  }

  columns(parts: string[], names: readonly string[], separator: string): void {
    if (parts.length !== names.length) {
      const reason = `expected ${names.length} ${separator}-separated columns (${names.join(", ")}), found ${parts.length}`;
      throw this.error(reason, undefined, "bad-columns");
    }
  }
}

/** The reason of an unknown-language error: `field "lang": unknown language "en" (expected one of …)`. */
export function unknownLanguage(field: string, value: string, languages: LanguageSet): string {
  return `field "${field}": unknown language ${JSON.stringify(value)} (${languages.expected})`;
}

/** `text` with control characters written as \uXXXX, so an error message stays one printable line. */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Parses one JSON object; a last line cut short is reported as truncated. */
export function parseJsonObject(text: string, file: string, line: number, unterminated: boolean): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = (error as Error).message;
    const fields = new Fields(file, line);
    if (unterminated) {
      throw fields.error(
        `truncated record: the file ends inside a JSON value (${detail})`,
        undefined,
        "truncated",
      );
    }
    if (text.includes("\0")) {
      throw fields.error(
        "invalid JSON: the line holds NUL bytes (binary data, or the zeros an interrupted write leaves)",
        undefined,
        "invalid-json",
      );
    }
    throw fields.error(`invalid JSON: ${printable(detail)}`, undefined, "invalid-json");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Fields(file, line).error(
      `record must be a JSON object, got ${typeName(value)}`,
      undefined,
      "wrong-type",
    );
  }
  return value as JsonObject;
}
