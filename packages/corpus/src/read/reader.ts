import { CorpusError, type CorpusWarning } from "../errors.js";
import { type LineBatch, lineBatches } from "./lines.js";

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

export type BatchSource = (path: string) => AsyncIterable<LineBatch>;

function isBlank(text: string): boolean {
  return text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0);
}

// Errors about the file as a whole stay fatal under "skip": skipping past them would misread what follows.
const NEVER_SKIPPED = new Set<CorpusError["code"]>(["bad-header", "gzip", "encoding", "io", "empty-file"]);

class Reader<T> implements RecordReader<T> {
  #stats: ReadStats = { records: 0, skipped: 0, warnings: 0, lines: 0 };

  constructor(
    readonly path: string,
    readonly format: string,
    private readonly options: ReadOptions,
    private readonly makeParser: (context: ParseContext) => LineParser<T>,
    private readonly source: BatchSource,
  ) {}

  get stats(): Readonly<ReadStats> {
    return this.#stats;
  }

  // A hand-written iterator rather than an async generator: records already parsed from the current batch
  // are handed out without a generator round trip, which is most of the per-record cost.
  [Symbol.asyncIterator](): AsyncIterator<T> {
    const stats: ReadStats = { records: 0, skipped: 0, warnings: 0, lines: 0 };
    this.#stats = stats;
    const { onError = "fail", onSkip, onWarning, allowEmpty = false } = this.options;
    const summary = new Map<string, { count: number; first: CorpusWarning }>();
    const file = this.path;
    const parse = this.makeParser({
      file,
      warn: (line, field, code, message) => {
        stats.warnings++;
        const warning: CorpusWarning = { file, line, field, code, message };
        if (onWarning) onWarning(warning);
        else {
          const seen = summary.get(code);
          if (seen) seen.count++;
          else summary.set(code, { count: 1, first: warning });
        }
      },
    });
    const batches = this.source(file)[Symbol.asyncIterator]();
    let batch: LineBatch = { lines: [], first: 1, unterminated: false };
    let index = 0;
    let sawData = false;
    let finished = false;

    // The next record of the current batch, or undefined when the batch is used up.
    const nextInBatch = (): T | undefined => {
      const { lines, numbers } = batch;
      while (index < lines.length) {
        const i = index++;
        const text = lines[i]!;
        stats.lines++;
        if (isBlank(text)) continue;
        sawData = true;
        const line = numbers ? numbers[i]! : batch.first + i;
        try {
          const record = parse(text, line, batch.unterminated && i === lines.length - 1);
          if (record !== undefined) {
            stats.records++;
            return record;
          }
        } catch (error) {
          if (onError !== "skip" || !(error instanceof CorpusError) || error.line === undefined) throw error;
          if (NEVER_SKIPPED.has(error.code)) throw error;
          stats.skipped++;
          onSkip?.(error);
        }
      }
      return undefined;
    };

    const finish = (): IteratorResult<T> => {
      finished = true;
      if (!sawData && !allowEmpty) {
        throw new CorpusError("file is empty (no records); pass allowEmpty: true if that is expected", {
          file,
          code: "empty-file",
        });
      }
      for (const [code, { count, first }] of summary) {
        const more = count > 1 ? ` (and ${count - 1} more lines like it)` : "";
        process.emitWarning(`${first.file}:${first.line}: ${first.message}${more}`, { code: `XQG_${code}` });
      }
      return { value: undefined, done: true };
    };

    const refill = async (): Promise<IteratorResult<T>> => {
      for (;;) {
        const next = await batches.next();
        if (next.done) return finish();
        batch = next.value;
        index = 0;
        const record = nextInBatch();
        if (record !== undefined) return { value: record, done: false };
      }
    };

    return {
      next: (): Promise<IteratorResult<T>> => {
        if (finished) return Promise.resolve({ value: undefined, done: true });
        try {
          const record = nextInBatch();
          if (record !== undefined) return Promise.resolve({ value: record, done: false });
        } catch (error) {
          finished = true;
          return batches.return ? batches.return().then(() => Promise.reject(error)) : Promise.reject(error);
        }
        return refill().catch(async (error: unknown) => {
          finished = true;
          await batches.return?.();
          throw error;
        });
      },
      return: async (): Promise<IteratorResult<T>> => {
        finished = true;
        await batches.return?.();
        return { value: undefined, done: true };
      },
    };
  }
}

export function createLineReader<T>(
  path: string,
  format: string,
  options: ReadOptions,
  makeParser: (context: ParseContext) => LineParser<T>,
  source: BatchSource = lineBatches,
): RecordReader<T> {
  return new Reader(path, format, options, makeParser, source);
}
