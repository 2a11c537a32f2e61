import { CorpusError } from "../errors.js";
import { type LineBatch, type SourcePosition, textChunks } from "../read/lines.js";
import type { BatchSource } from "../read/reader.js";

/** Python's `csv.field_size_limit()` default: the longest field, in characters (code points), a read accepts. */
export const TSV_DEFAULTS = { fieldSizeLimit: 131_072 } as const;

const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;

// The states of CPython's csv reader (Modules/_csv.c) that the excel-tab dialect reaches: no escapechar,
// doublequote on, strict off, skipinitialspace off.
const START_RECORD = 0;
const START_FIELD = 1;
const IN_FIELD = 2;
const IN_QUOTED_FIELD = 3;
const QUOTE_IN_QUOTED_FIELD = 4;
const EAT_CRNL = 5;

/** One record: its fields (or why they could not be split), its text, and the text it spans. */
interface TsvRecord {
  fields: readonly string[] | CorpusError;
  /** The record's text without its last line end (what the parser and its messages see). */
  raw: string;
  /** Offset just past the record (past the first line for a record that failed). */
  end: number;
  /** Lines the record spans (1 for a record that failed: reading goes on at the next line). */
  lines: number;
  /** The last line has no line end (the end of the file). */
  unterminated: boolean;
}

/** Code points of `s`, as Python counts a field's length (a surrogate pair is one character). */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}

/**
 * Splits TSV text into records exactly as Python's `csv.reader(f, dialect="excel-tab")` does on a file opened
 * with `newline=""`: fields separated by tabs; a field that starts with `"` is quoted, may hold tabs, line
 * breaks (kept as they are, `\r\n` included) and `""` for one quote, and ends at the next lone `"` (text after
 * it joins the field, `"abc"def` → `abcdef`); a quote inside an unquoted field is an ordinary character;
 * `\n`, `\r` and `\r\n` end a record; a quoted field still open at the end of the file ends there. A field
 * longer than `limit` characters is an error (Python's `field larger than field limit (131072)`), so a stray
 * quote fails at the line it opens a field on instead of swallowing the rest of the file. Records are numbered
 * by their first line (Python counts `\r`, `\n` and `\r\n` each as a line end).
 */
export class TsvSplitter {
  #buffer = "";
  /** Line number of the buffer's first character. */
  #line = 1;
  /** After a failed record: the rest of its first line is being skipped (and a "\n" after a final "\r"). */
  #skipping: "no" | "line" | "lf" = "no";
  // Next positions of each special character in the buffer (-2: not looked for yet; -1: none left).
  #lf = -2;
  #cr = -2;
  #quote = -2;

  /** Byte offset of the buffer's first character, when offsets are tracked. */
  #byte = 0;
  readonly #track: boolean;

  constructor(
    readonly file: string,
    readonly limit: number = TSV_DEFAULTS.fieldSizeLimit,
    /** Where the text pushed starts (a byte offset that begins line `at.line`); tracks offsets if asked. */
    at?: SourcePosition,
  ) {
    this.#line = at?.line ?? 1;
    this.#byte = at?.offset ?? 0;
    this.#track = at?.track === true;
  }

  /** Counts bytes the text does not hold (a dropped BOM) in the tracked offsets. */
  skipBytes(bytes: number): void {
    this.#byte += bytes;
  }

  /** Line number of the next record. */
  get line(): number {
    return this.#line;
  }

  /** Adds text; returns the records it completes. */
  push(text: string): LineBatch | undefined {
    this.#buffer = this.#buffer.length === 0 ? text : this.#buffer + text;
    return this.#drain(false);
  }

  /** The end of the input: returns the last records. */
  end(): LineBatch | undefined {
    return this.#drain(true);
  }

  #next(which: "lf" | "cr" | "quote", from: number): number {
    const cached = which === "lf" ? this.#lf : which === "cr" ? this.#cr : this.#quote;
    if (cached === -1 || cached >= from) return cached;
    const found = this.#buffer.indexOf(which === "lf" ? "\n" : which === "cr" ? "\r" : '"', from);
    if (which === "lf") this.#lf = found;
    else if (which === "cr") this.#cr = found;
    else this.#quote = found;
    return found;
  }

  /** The end of the line that starts at or before `from` (its first "\r" or "\n"), or -1. */
  #lineEnd(from: number): number {
    const lf = this.#next("lf", from);
    const cr = this.#next("cr", from);
    if (lf < 0) return cr;
    if (cr < 0) return lf;
    return Math.min(lf, cr);
  }

  /** Length of the line end at `at` (1 or 2), or 0 when a "\r" ends the buffer and more text may follow. */
  #terminator(at: number, final: boolean): number {
    if (this.#buffer.charCodeAt(at) === LF) return 1;
    if (at + 1 < this.#buffer.length) return this.#buffer.charCodeAt(at + 1) === LF ? 2 : 1;
    return final ? 1 : 0;
  }

  #drain(final: boolean): LineBatch | undefined {
    this.#lf = -2;
    this.#cr = -2;
    this.#quote = -2;
    const buffer = this.#buffer;
    const lines: string[] = [];
    const numbers: number[] = [];
    const fields: Array<readonly string[] | CorpusError> = [];
    const offsets: number[] | undefined = this.#track ? [] : undefined;
    // bytes of buffer[0, counted) are in `byte`
    let counted = 0;
    let byte = this.#byte;
    const byteAt = (at: number): number => {
      if (at > counted) byte += Buffer.byteLength(buffer.slice(counted, at), "utf8");
      counted = at;
      return byte;
    };
    let pos = 0;
    let line = this.#line;
    let unterminated = false;
    while (pos < buffer.length) {
      if (this.#skipping !== "no") {
        if (this.#skipping === "lf") {
          if (buffer.charCodeAt(pos) === LF) pos++;
          this.#skipping = "no";
          continue;
        }
        const end = this.#lineEnd(pos);
        if (end < 0) {
          pos = buffer.length;
          break;
        }
        line++;
        if (buffer.charCodeAt(end) === CR && end + 1 === buffer.length && !final) {
          this.#skipping = "lf";
          pos = end + 1;
          continue;
        }
        pos = end + (buffer.charCodeAt(end) === CR && buffer.charCodeAt(end + 1) === LF ? 2 : 1);
        this.#skipping = "no";
        continue;
      }
      const record = this.#record(pos, line, final);
      if (record === undefined) break;
      offsets?.push(byteAt(pos));
      lines.push(record.raw);
      numbers.push(line);
      fields.push(record.fields);
      unterminated = record.unterminated;
      if (record.fields instanceof CorpusError) {
        // Go on at the line after the record's first one, as if the record had been that line alone; the
        // positions found while reading past it are forgotten (reading goes back).
        this.#lf = -2;
        this.#cr = -2;
        this.#quote = -2;
        if (record.end < 0) {
          this.#skipping = "line";
          pos = buffer.length;
          break;
        }
        this.#skipping =
          record.end === buffer.length && buffer.charCodeAt(record.end - 1) === CR && !final ? "lf" : "no";
        pos = record.end;
        line += 1;
        continue;
      }
      pos = record.end;
      line += record.lines;
    }
    this.#buffer = pos === 0 ? buffer : buffer.slice(pos);
    this.#line = line;
    if (this.#track) this.#byte = byteAt(pos);
    if (lines.length === 0) return undefined;
    const batch = { lines, first: numbers[0]!, unterminated: final && unterminated, numbers, fields };
    return offsets ? { ...batch, offsets } : batch;
  }

  #tooLong(column: number, line: number, quoted: boolean): CorpusError {
    const why = quoted
      ? `; the quoted field opened on this line is not closed within ${this.limit} characters (a stray quote?)`
      : "";
    const reason = `field larger than field limit (${this.limit}) in column ${column}${why}`;
    return new CorpusError(reason, { file: this.file, line, code: "bad-columns" });
  }

  /** The record starting at `start`, or undefined when the buffer ends inside it and more text may follow. */
  #record(start: number, line: number, final: boolean): TsvRecord | undefined {
    const buffer = this.#buffer;
    const limit = this.limit;
    const firstEnd = this.#lineEnd(start);
    // The common case: a whole line without quotes.
    if (firstEnd >= 0) {
      const quote = this.#next("quote", start);
      if (quote < 0 || quote > firstEnd) {
        const term = this.#terminator(firstEnd, final);
        if (term === 0) return undefined;
        const raw = buffer.slice(start, firstEnd);
        const parts = raw.length === 0 ? [] : raw.split("\t");
        for (let c = 0; c < parts.length; c++) {
          const part = parts[c]!;
          if (part.length > limit && codePoints(part) > limit)
            return {
              fields: this.#tooLong(c + 1, line, false),
              raw,
              end: firstEnd + term,
              lines: 1,
              unterminated: false,
            };
        }
        return { fields: parts, raw, end: firstEnd + term, lines: 1, unterminated: false };
      }
    }

    // CPython's state machine, one line at a time (each line's end characters, then the end-of-line event).
    const out: string[] = [];
    let field = "";
    let quotedField = false;
    let state = START_RECORD;
    let pos = start;
    let lines = 0;
    let rawEnd = start;
    let failed: CorpusError | undefined;
    const add = (text: string): void => {
      field += text;
      if (field.length > limit && codePoints(field) > limit && failed === undefined)
        failed = this.#tooLong(out.length + 1, line, quotedField);
    };
    const save = (): void => {
      out.push(field);
      field = "";
      quotedField = false;
    };
    for (;;) {
      if (pos >= buffer.length) {
        if (!final) return undefined;
        // The end of the file inside a quoted field: CPython (strict off) ends the field and the record there.
        save();
        return { fields: out, raw: buffer.slice(start, rawEnd), end: pos, lines, unterminated: true };
      }
      const end = this.#lineEnd(pos);
      let lineEnd: number;
      let term: number;
      if (end < 0) {
        if (!final) {
          // an unfinished line: more text may follow, unless the field is already too long
          if (field.length + (buffer.length - pos) > limit) {
            this.#scan(pos, buffer.length, state, add, save, (quoted) => {
              quotedField = quoted;
            });
            if (failed)
              return {
                fields: failed,
                raw: buffer.slice(start, buffer.length),
                end: -1,
                lines: 1,
                unterminated: false,
              };
          }
          return undefined;
        }
        lineEnd = buffer.length;
        term = 0;
      } else {
        term = this.#terminator(end, final);
        if (term === 0) return undefined;
        lineEnd = end + term;
      }
      lines++;
      state = this.#scan(pos, lineEnd, state, add, save, (quoted) => {
        quotedField = quoted;
      });
      if (failed) {
        // `firstEnd` was found before reading on (the positions found since lie further on)
        if (firstEnd < 0)
          return {
            fields: failed,
            raw: buffer.slice(start),
            end: buffer.length,
            lines: 1,
            unterminated: true,
          };
        const firstTerm = this.#terminator(firstEnd, final);
        return {
          fields: failed,
          raw: buffer.slice(start, firstEnd),
          end: firstEnd + (firstTerm === 0 ? 1 : firstTerm),
          lines: 1,
          unterminated: false,
        };
      }
      // the end-of-line event
      if (state === START_FIELD || state === IN_FIELD || state === QUOTE_IN_QUOTED_FIELD) {
        save();
        state = START_RECORD;
      } else if (state === EAT_CRNL) state = START_RECORD;
      rawEnd = lineEnd - term;
      pos = lineEnd;
      if (state === START_RECORD)
        return { fields: out, raw: buffer.slice(start, rawEnd), end: pos, lines, unterminated: term === 0 };
    }
  }

  /** Runs the state machine over `buffer[from, to)` (one line and its end characters); returns the new state. */
  #scan(
    from: number,
    to: number,
    initial: number,
    add: (text: string) => void,
    save: () => void,
    quoted: (quoted: boolean) => void = () => {},
  ): number {
    const buffer = this.#buffer;
    let state = initial;
    let i = from;
    while (i < to) {
      const c = buffer.charCodeAt(i);
      switch (state) {
        case START_RECORD:
          if (c === LF || c === CR) {
            // an empty line: a record without fields
            state = EAT_CRNL;
            i++;
          } else state = START_FIELD;
          break;
        case START_FIELD:
          if (c === LF || c === CR) {
            save();
            state = EAT_CRNL;
            i++;
          } else if (c === QUOTE) {
            quoted(true);
            state = IN_QUOTED_FIELD;
            i++;
          } else if (c === TAB) {
            save();
            i++;
          } else state = IN_FIELD;
          break;
        case IN_FIELD: {
          let k = i;
          while (k < to) {
            const d = buffer.charCodeAt(k);
            if (d === TAB || d === LF || d === CR) break;
            k++;
          }
          if (k > i) add(buffer.slice(i, k));
          i = k;
          if (k < to) {
            save();
            state = buffer.charCodeAt(k) === TAB ? START_FIELD : EAT_CRNL;
            i++;
          }
          break;
        }
        case IN_QUOTED_FIELD: {
          const quote = this.#next("quote", i);
          const stop = quote < 0 || quote >= to ? to : quote;
          if (stop > i) add(buffer.slice(i, stop));
          i = stop;
          if (stop < to) {
            state = QUOTE_IN_QUOTED_FIELD;
            i++;
          }
          break;
        }
        case QUOTE_IN_QUOTED_FIELD:
          if (c === QUOTE) {
            add('"');
            state = IN_QUOTED_FIELD;
            i++;
          } else if (c === TAB) {
            save();
            state = START_FIELD;
            i++;
          } else if (c === LF || c === CR) {
            save();
            state = EAT_CRNL;
            i++;
          } else {
            // text after the closing quote joins the field (strict off)
            add(buffer[i]!);
            state = IN_FIELD;
            i++;
          }
          break;
        default:
          // EAT_CRNL: only the rest of this line's end can follow (lines end at their first "\r" or "\n")
          i++;
      }
    }
    return state;
  }
}

/**
 * A batch source of Python-csv TSV records (`LineBatch.fields` holds each record's fields). Read from a position
 * past the start, it first yields the file's first non-blank record alone (the header row, which tells the
 * reader the columns), then the records from that position.
 */
export function tsvRecordBatches(limit: number): BatchSource {
  return async function* (path: string, at?: SourcePosition): AsyncGenerator<LineBatch> {
    if (at !== undefined && at.offset > 0) {
      const header = await firstRecord(path, limit);
      if (header) yield header;
    }
    const splitter = new TsvSplitter(path, limit, at);
    const options = {
      start: at?.offset ?? 0,
      onBom: (n: number) => splitter.skipBytes(n),
      ...(at?.end !== undefined ? { end: at.end } : {}),
    };
    for await (const text of textChunks(path, () => splitter.line - 1, options)) {
      const batch = splitter.push(text);
      if (batch) yield batch;
    }
    const last = splitter.end();
    if (last) yield last;
  };
}

/** The first record of a TSV file whose text is not blank, as a batch of its own (read no further). */
async function firstRecord(path: string, limit: number): Promise<LineBatch | undefined> {
  const splitter = new TsvSplitter(path, limit);
  const take = (batch: LineBatch | undefined): LineBatch | undefined => {
    const i = batch ? batch.lines.findIndex((line) => line.trim().length > 0) : -1;
    if (!batch || i < 0) return undefined;
    return {
      lines: [batch.lines[i]!],
      first: batch.numbers![i]!,
      unterminated: false,
      numbers: [batch.numbers![i]!],
      fields: [batch.fields![i]!],
    };
  };
  for await (const text of textChunks(path, () => splitter.line - 1)) {
    const found = take(splitter.push(text));
    if (found) return found;
  }
  return take(splitter.end());
}

/**
 * Quotes a field as Python's csv module writes it (QUOTE_MINIMAL): only when it holds a tab, a quote or a line
 * break, with `""` for each quote.
 */
export function quoteTsv(value: string): string {
  return /["\t\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
