import { type SinkOptions, writeTextAtomic } from "@xqg/core";
import { CorpusError } from "./errors.js";

// Output is gathered into pieces of about this many characters: far fewer write calls than one per record.
const WRITE_CHUNK_CHARS = 1 << 18;

export interface WriteOptions extends SinkOptions {}

/** The keys of {@link WriteOptions}, for `checkOptions`. */
export const WRITE_OPTIONS = ["durable", "gzip"] as const;

/**
 * Writes one line per record through {@link writeTextAtomic}: the output appears only once every record
 * is written, and a bad record (or a failing source) leaves no file behind.
 */
export async function writeLines<T>(
  path: string,
  records: AsyncIterable<T> | Iterable<T>,
  toLine: (record: T, line: number) => string,
  options: WriteOptions = {},
  header?: string,
): Promise<{ records: number }> {
  let count = 0;
  // Lines are gathered here into large pieces, so the pipeline sees one item per ~1 MiB, not per record.
  async function* lines(): AsyncGenerator<string> {
    let line = 0;
    let buffer = "";
    if (header !== undefined) {
      line++;
      buffer = `${header}\n`;
    }
    for await (const record of records) {
      line++;
      buffer += `${toLine(record, line)}\n`;
      count++;
      if (buffer.length >= WRITE_CHUNK_CHARS) {
        yield buffer;
        buffer = "";
      }
    }
    if (buffer.length > 0) yield buffer;
  }
  await writeTextAtomic(path, lines(), options);
  return { records: count };
}

/** Checks a field of a record about to be written; errors name the output file and line. */
export class OutputCheck {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {}

  error(reason: string, field: string | undefined): CorpusError {
    return new CorpusError(reason, { file: this.file, line: this.line, field, code: "bad-value" });
  }

  string(
    record: object,
    field: string,
    options: { nonEmpty?: boolean; noBreaks?: boolean; noSpace?: boolean } = {},
  ) {
    const value = (record as Record<string, unknown>)[field];
    if (value === undefined) {
      throw new CorpusError(`field "${field}" missing`, {
        file: this.file,
        line: this.line,
        field,
        code: "missing-field",
      });
    }
    if (typeof value !== "string") {
      const reason = `field "${field}" must be a string, got ${value === null ? "null" : typeof value}`;
      throw new CorpusError(reason, { file: this.file, line: this.line, field, code: "wrong-type" });
    }
    if (options.nonEmpty && value.length === 0) throw this.error(`field "${field}" is empty`, field);
    if (options.noSpace && /\s/.test(value)) {
      throw this.error(`field "${field}" contains whitespace, which this format cannot hold`, field);
    }
    if (options.noBreaks && /[\r\n]/.test(value)) {
      throw this.error(`field "${field}" contains a line break, which TSV cannot hold (use JSONL)`, field);
    }
    return value;
  }

  number(record: object, field: string, options: { integer?: boolean } = {}): number {
    const value = (record as Record<string, unknown>)[field];
    if (typeof value !== "number" || (options.integer ? !Number.isSafeInteger(value) : Number.isNaN(value))) {
      throw this.error(
        `field "${field}" must be ${options.integer ? "an integer" : "a number"}, got ${String(value)}`,
        field,
      );
    }
    return value;
  }
}
