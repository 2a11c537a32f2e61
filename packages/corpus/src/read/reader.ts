import { stat } from "node:fs/promises";
import { CorpusError, type CorpusWarning } from "../errors.js";
import {
  type DuplicateFilter,
  type DuplicateOptions,
  firstPassFilter,
  lastLineFilter,
  lastLineScan,
  type RecordIdentity,
} from "./duplicates.js";
import { type LineBatch, lineSource, type SourcePosition } from "./lines.js";
import {
  BUILD_INDEX,
  checkRange,
  type Indexable,
  type RecordIndex,
  type RecordRange,
  rangeStart,
} from "./offsets.js";

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

/** The keys of {@link ReadOptions}, for `checkOptions`. */
export const READ_OPTIONS = ["onError", "onSkip", "onWarning", "allowEmpty"] as const;

/** Counts of the read in progress (or just finished); reset when iteration starts again. */
export interface ReadStats {
  records: number;
  skipped: number;
  /** Records dropped as repeats of an earlier id (`duplicates: "first"` / `"last"`, or exact repeats of a query). */
  duplicates: number;
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

/**
 * Parses one non-blank line; returns undefined for lines that hold no record (a header). `fields` are the
 * record's fields (or the error that stopped their split) where the source splits records itself.
 */
export type LineParser<T> = (
  text: string,
  line: number,
  unterminated: boolean,
  fields?: readonly string[] | CorpusError,
) => T | undefined;

/** The batches of a file, from `at` (a byte offset that begins a line) when given. */
export type BatchSource = (path: string, at?: SourcePosition) => AsyncIterable<LineBatch>;

/** The options of the readers that can read a range of records (readPassages, readGeneratedQueries). */
export interface RangeOptions {
  /**
   * Only records `[start, end)` (0-based positions among the records the read would yield). Without `index`
   * the file is read from its start and the records before `start` parsed and dropped; with it, the read
   * starts at the indexed byte offset nearest before `start`. Either way it stops after record `end - 1`, and a
   * file that ends before `end` is a `shard` CorpusError.
   */
  range?: RecordRange;
  /** The file's index, from `indexRecords` over a reader with the same options: lets `range` seek. */
  index?: RecordIndex;
}
export const RANGE_OPTIONS = ["range", "index"] as const;

/** The options that change which records a read yields, and so what positions mean (an index's `options`). */
function countingKey(read: ReadOptions): string {
  const options = read as ReadOptions & Record<string, unknown>;
  const languages = options["languages"];
  return JSON.stringify({
    onError: options.onError ?? "fail",
    duplicates: options["duplicates"] ?? "error",
    fieldSizeLimit: options["fieldSizeLimit"],
    lang: options["lang"],
    languages: languages && typeof languages === "object" ? Object.keys(languages).sort() : undefined,
  });
}

interface Indexer {
  every: number;
  offsets: number[];
  lines: number[];
  dropped: number[];
}

function isBlank(text: string): boolean {
  return text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0);
}

// Errors about the file as a whole stay fatal under "skip": skipping past them would misread what follows.
// A repeated id is not skipped either: which of the two records to keep is the `duplicates` policy's choice.
const NEVER_SKIPPED = new Set<CorpusError["code"]>([
  "bad-header",
  "gzip",
  "encoding",
  "io",
  "empty-file",
  "duplicate-id",
]);

class Reader<T> implements RecordReader<T>, Indexable {
  #stats: ReadStats = { records: 0, skipped: 0, duplicates: 0, warnings: 0, lines: 0 };

  constructor(
    readonly path: string,
    readonly format: string,
    private readonly options: ReadOptions & DuplicateOptions,
    private readonly makeParser: (context: ParseContext) => LineParser<T>,
    private readonly source: BatchSource,
    private readonly identity: RecordIdentity<T> | undefined,
    /** Set for the first read of `duplicates: "last"`, which yields nothing and notes each id's last line. */
    private readonly scan?: DuplicateFilter<T>,
  ) {}

  get stats(): Readonly<ReadStats> {
    return this.#stats;
  }

  async [BUILD_INDEX](every: number): Promise<RecordIndex> {
    let bytes: number;
    try {
      bytes = (await stat(this.path)).size;
    } catch (error) {
      throw new CorpusError((error as Error).message, { file: this.path, code: "io", cause: error });
    }
    const indexer: Indexer = { every, offsets: [0], lines: [1], dropped: [] };
    const records = this.iterate(indexer);
    let count = 0;
    for (let r = await records.next(); !r.done; r = await records.next()) count++;
    return {
      version: 1,
      bytes,
      format: this.format,
      options: countingKey(this.options),
      records: count,
      every,
      offsets: indexer.offsets,
      lines: indexer.lines,
      dropped: indexer.dropped,
    };
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.iterate(undefined);
  }

  // A hand-written iterator rather than an async generator: records already parsed from the current batch
  // are handed out without a generator round trip, which is most of the per-record cost.
  private iterate(indexer: Indexer | undefined): AsyncIterator<T> {
    const stats: ReadStats = { records: 0, skipped: 0, duplicates: 0, warnings: 0, lines: 0 };
    this.#stats = stats;
    const { onError = "fail", onSkip, onWarning, allowEmpty = false, duplicates = "error" } = this.options;
    const { range, index: recordIndex } = this.options as RangeOptions;
    if (range !== undefined)
      checkRange(this.path, range, recordIndex, this.format, countingKey(this.options));
    const summary = new Map<string, { count: number; first: CorpusWarning }>();
    const file = this.path;
    const context: ParseContext = {
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
    };
    const parse = this.makeParser(context);
    const identity = this.identity;
    let filter: DuplicateFilter<T> | undefined = this.scan;
    // "last" reads the file once to find each id's last line, and yields on the second read.
    let scan: (() => Promise<void>) | undefined;
    // a range read: the position of the next record, and where the read starts
    let position = 0;
    let at: SourcePosition | undefined = indexer ? { offset: 0, line: 1, track: true } : undefined;
    const seek = range !== undefined ? recordIndex : undefined;
    if (seek !== undefined && range !== undefined) {
      const index = seek;
      // the index pass saw every id: the records it dropped as repeats are dropped again by line
      const start = rangeStart(index, range.start);
      position = start.records;
      // the read stops at the indexed entry at or after the range's end, if there is one
      const stop = Math.ceil(range.end / index.every);
      const end = stop < index.offsets.length && stop > 0 ? { end: index.offsets[stop]! } : {};
      if (start.offset > 0 || end.end !== undefined) at = { offset: start.offset, line: start.line, ...end };
      if (index.dropped.length > 0) {
        const dropped = new Set(index.dropped);
        filter = { accept: (_record, line) => !dropped.has(line) };
      }
      scan = async () => {
        const size = await stat(file).then(
          (info) => info.size,
          (error: unknown) => {
            throw new CorpusError((error as Error).message, { file, code: "io", cause: error });
          },
        );
        if (size !== index.bytes)
          throw new CorpusError(
            `the file has ${size} bytes, its index was built over ${index.bytes}: build the index again`,
            { file, code: "shard", field: "index" },
          );
      };
    } else if (filter === undefined && identity !== undefined) {
      if (duplicates === "error" || duplicates === "first") {
        filter = firstPassFilter(identity, duplicates, file, (line, field, message) =>
          context.warn(line, field, "duplicate-record", message),
        );
      } else if (duplicates === "last") {
        const lastLines = lastLineScan(identity);
        // the first read sees the whole file: a later repeat decides which line is the last
        const { range: _range, index: _index, ...whole } = this.options as ReadOptions & RangeOptions;
        const quiet = { ...whole, onSkip: () => {}, onWarning: () => {} };
        const first = new Reader(
          this.path,
          this.format,
          quiet,
          this.makeParser,
          this.source,
          identity,
          lastLines,
        );
        scan = async () => {
          for await (const _ of first);
          filter = lastLineFilter(identity, lastLines.seen, file);
        };
      } else {
        throw new CorpusError(
          `duplicates must be "error", "first" or "last", got ${JSON.stringify(duplicates)}`,
          { file, code: "bad-value", field: "duplicates" },
        );
      }
    }
    const batches = (
      range !== undefined && range.start === range.end ? emptySource() : this.source(file, at)
    )[Symbol.asyncIterator]();
    let batch: LineBatch = { lines: [], first: 1, unterminated: false };
    let index = 0;
    let sawData = false;
    let finished = false;
    // a range read has yielded its last record
    let ended = range !== undefined && range.start === range.end;

    // The next record of the current batch, or undefined when the batch is used up.
    const nextInBatch = (): T | undefined => {
      const { lines, numbers, fields, offsets } = batch;
      while (index < lines.length) {
        if (ended) return undefined;
        const i = index++;
        const text = lines[i]!;
        stats.lines++;
        if (isBlank(text)) continue;
        sawData = true;
        const line = numbers ? numbers[i]! : batch.first + i;
        try {
          const record = parse(text, line, batch.unterminated && i === lines.length - 1, fields?.[i]);
          if (record !== undefined) {
            if (filter !== undefined && !filter.accept(record, line)) {
              stats.duplicates++;
              indexer?.dropped.push(line);
              continue;
            }
            if (indexer !== undefined && position > 0 && position % indexer.every === 0) {
              indexer.offsets.push(offsets![i]!);
              indexer.lines.push(line);
            }
            const p = position++;
            if (range !== undefined) {
              if (p < range.start) continue;
              if (position === range.end) ended = true;
            }
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
      if (range !== undefined && !ended) {
        const total = seek ? ` (its index counts ${seek.records})` : "";
        throw new CorpusError(`has ${position} records, fewer than the range's end ${range.end}${total}`, {
          file,
          code: "shard",
        });
      }
      if (!sawData && !allowEmpty && range === undefined) {
        throw new CorpusError("file is empty (no records)", {
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
        if (ended) {
          await batches.return?.();
          return finish();
        }
        const next = await batches.next();
        if (next.done) return finish();
        batch = next.value;
        index = 0;
        const record = nextInBatch();
        if (record !== undefined) return { value: record, done: false };
      }
    };

    const next = (): Promise<IteratorResult<T>> => {
      if (scan !== undefined && !finished) {
        const scanned = scan();
        scan = undefined;
        return scanned.then(next, async (error: unknown) => {
          finished = true;
          await batches.return?.();
          throw error;
        });
      }
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
    };

    return {
      next,
      return: async (): Promise<IteratorResult<T>> => {
        finished = true;
        await batches.return?.();
        return { value: undefined, done: true };
      },
    };
  }
}

async function* emptySource(): AsyncGenerator<LineBatch> {}

export function createLineReader<T>(
  path: string,
  format: string,
  options: ReadOptions,
  makeParser: (context: ParseContext) => LineParser<T>,
  source: BatchSource = lineSource,
  /** How records are identified, for readers whose records have ids: enables the `duplicates` policy. */
  identity?: RecordIdentity<T>,
): RecordReader<T> {
  return new Reader(path, format, options, makeParser, source, identity);
}
