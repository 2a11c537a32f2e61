import { CorpusError, type CorpusWarning } from "../errors.js";
import { lineBatches } from "./lines.js";

export interface ReadOptions {
  /** "fail" (default) stops at the first bad record; "skip" drops it, counts it and goes on. */
  onError?: "fail" | "skip";
  /** Called with each record dropped under `onError: "skip"`. */
  onSkip?: (error: CorpusError) => void;
  /**
   * Called for each repaired quirk (e.g. `lang: " ar"` read as "ar"). Without it, one summary per kind is
   * emitted as a process warning when the read ends.
   */
  onWarning?: (warning: CorpusWarning) => void;
  /** Accept a file without any record. Default false: an empty file is an error (a failed download, mostly). */
  allowEmpty?: boolean;
}

/** Counts of the read in progress (or just finished); reset when iteration starts again. */
export interface ReadStats {
  records: number;
  skipped: number;
  warnings: number;
  /** Lines (or, for JSON arrays, elements) looked at. */
  lines: number;
}

/** What readers return: an async iterable of records, plus the counts of the current read. */
export interface RecordReader<T> extends AsyncIterable<T> {
  readonly path: string;
  readonly format: string;
  readonly stats: Readonly<ReadStats>;
}

/** Given to a format's parser: the file and a way to report a repaired quirk. */
export interface ParseContext {
  readonly file: string;
  warn(line: number, field: string, code: CorpusWarning["code"], message: string): void;
}

/** Parses one non-blank line; returns undefined for lines that hold no record (a header). */
export type LineParser<T> = (text: string, line: number, unterminated: boolean) => T | undefined;

/** A unit of input with its line number: a text line, or one element of a JSON array. */
export interface Unit {
  text: string;
  line: number;
  unterminated: boolean;
}

async function* lineUnits(path: string): AsyncGenerator<Unit[]> {
  for await (const batch of lineBatches(path)) {
    const units: Unit[] = new Array(batch.lines.length);
    const last = batch.lines.length - 1;
    for (let i = 0; i <= last; i++) {
      units[i] = {
        text: batch.lines[i]!,
        line: batch.first + i,
        unterminated: batch.unterminated && i === last,
      };
    }
    yield units;
  }
}

function isBlank(text: string): boolean {
  return text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0);
}

class Reader<T> implements RecordReader<T> {
  #stats: ReadStats = { records: 0, skipped: 0, warnings: 0, lines: 0 };

  constructor(
    readonly path: string,
    readonly format: string,
    private readonly options: ReadOptions,
    private readonly makeParser: (context: ParseContext) => LineParser<T>,
    private readonly units: (path: string) => AsyncIterable<Unit[]>,
  ) {}

  get stats(): Readonly<ReadStats> {
    return this.#stats;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.#read();
  }

  async *#read(): AsyncGenerator<T> {
    const stats: ReadStats = { records: 0, skipped: 0, warnings: 0, lines: 0 };
    this.#stats = stats;
    const { onError = "fail", onSkip, onWarning, allowEmpty = false } = this.options;
    const summary = new Map<string, { count: number; first: CorpusWarning }>();
    const context: ParseContext = {
      file: this.path,
      warn: (line, field, code, message) => {
        stats.warnings++;
        const warning: CorpusWarning = { file: this.path, line, field, code, message };
        if (onWarning) onWarning(warning);
        else {
          const seen = summary.get(code);
          if (seen) seen.count++;
          else summary.set(code, { count: 1, first: warning });
        }
      },
    };
    const parse = this.makeParser(context);
    let sawData = false;
    for await (const units of this.units(this.path)) {
      for (const unit of units) {
        stats.lines++;
        if (isBlank(unit.text)) continue;
        sawData = true;
        let record: T | undefined;
        try {
          record = parse(unit.text, unit.line, unit.unterminated);
        } catch (error) {
          // A bad header row is never skipped: every later line would be read with the wrong columns.
          if (
            onError === "skip" &&
            error instanceof CorpusError &&
            error.line !== undefined &&
            error.code !== "bad-header"
          ) {
            stats.skipped++;
            onSkip?.(error);
            continue;
          }
          throw error;
        }
        if (record !== undefined) {
          stats.records++;
          yield record;
        }
      }
    }
    if (!sawData && !allowEmpty) {
      throw new CorpusError("file is empty (no records); pass allowEmpty: true if that is expected", {
        file: this.path,
        code: "empty-file",
      });
    }
    for (const [code, { count, first }] of summary) {
      const more = count > 1 ? ` (and ${count - 1} more lines like it)` : "";
      process.emitWarning(`${first.file}:${first.line}: ${first.message}${more}`, { code: `XQG_${code}` });
    }
  }
}

export function createLineReader<T>(
  path: string,
  format: string,
  options: ReadOptions,
  makeParser: (context: ParseContext) => LineParser<T>,
): RecordReader<T> {
  return new Reader(path, format, options, makeParser, lineUnits);
}

export function createUnitReader<T>(
  path: string,
  format: string,
  options: ReadOptions,
  makeParser: (context: ParseContext) => LineParser<T>,
  units: (path: string) => AsyncIterable<Unit[]>,
): RecordReader<T> {
  return new Reader(path, format, options, makeParser, units);
}
