import { CorpusError } from "../errors.js";
import type { RecordReader } from "./reader.js";

/** Builds the index of a reader's file (see `indexRecords`). */
export const BUILD_INDEX: unique symbol = Symbol("xqg.buildIndex");
export interface Indexable {
  [BUILD_INDEX](every: number): Promise<RecordIndex>;
}

/** Records `[start, end)`: 0-based positions among the records a read yields. */
export interface RecordRange {
  start: number;
  end: number;
}

/**
 * Where the records of a file start, every `every`-th one: built once in one sequential pass by
 * `indexRecords`, then handed to readers as `{ range, index }` so that a range read seeks instead of scanning.
 * A plain JSON-serialisable object of about 20 bytes per `every` records (18M passages at the default
 * every 256th: ~70,000 entries, ~1.5 MB as JSON, ~0.08 bytes per passage). Valid for the file's bytes it was built over: keep it by the file's digest.
 */
export interface RecordIndex {
  readonly version: 1;
  /** The file's size when indexed: a read over a file of another size is refused (the index is stale). */
  readonly bytes: number;
  /** The format the file was read as. */
  readonly format: string;
  /** The read options that change which records are counted (onError, duplicates, …), as JSON. */
  readonly options: string;
  /** Records in the file (what the reader yields). */
  readonly records: number;
  /** Spacing of the entries, in records. */
  readonly every: number;
  /**
   * `offsets[i]`, `lines[i]`: the byte offset (of the uncompressed text) and 1-based line where record
   * `i * every` starts; entry 0 is the file's start (offset 0, line 1).
   */
  readonly offsets: readonly number[];
  readonly lines: readonly number[];
  /** Lines of records the read drops as repeats of an earlier id (`duplicates` policy), in file order. */
  readonly dropped: readonly number[];
}

/** The default spacing of an index's entries, in records. */
export const INDEX_EVERY = 256;

/**
 * Builds the byte-offset index of a reader's file (from `readPassages`, `readGeneratedQueries`, `readQueries`)
 * in one sequential pass, which also checks every record as a full read does. The reader's options decide what
 * counts as a record; a range read must use the same ones. A gzip file is indexed by offsets into its
 * uncompressed text: a range read then decompresses from the start and drops the bytes before its offset
 * without decoding or parsing them (gzip has no random access), so only parsing is saved; gunzip inputs that
 * are read in many shards.
 */
export async function indexRecords(
  reader: RecordReader<unknown>,
  options: { every?: number } = {},
): Promise<RecordIndex> {
  const every = options.every ?? INDEX_EVERY;
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new CorpusError(`option "every" must be a positive integer, got ${String(options.every)}`, {
      file: reader.path,
      code: "bad-value",
      field: "every",
    });
  }
  const build = (reader as Partial<Indexable>)[BUILD_INDEX];
  if (build === undefined) {
    throw new CorpusError(
      "indexRecords takes a reader of readPassages, readGeneratedQueries or readQueries",
      {
        file: reader.path,
        code: "bad-value",
        field: "reader",
      },
    );
  }
  return build.call(reader, every);
}

/** Checks a range (and the index it seeks with) before a read. */
export function checkRange(
  file: string,
  range: RecordRange,
  index: RecordIndex | undefined,
  format: string,
  key: string,
): void {
  const { start, end } = range ?? ({} as RecordRange);
  const valid = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!valid(start) || !valid(end) || start > end) {
    throw new CorpusError(`option "range" must be { start, end } with integers 0 ≤ start ≤ end`, {
      file,
      code: "bad-value",
      field: "range",
    });
  }
  if (index === undefined) return;
  if (index.version !== 1 || !Array.isArray(index.offsets) || index.offsets.length === 0) {
    throw new CorpusError('option "index" is not an index from indexRecords', {
      file,
      code: "bad-value",
      field: "index",
    });
  }
  if (index.format !== format || index.options !== key) {
    const what =
      index.format !== format
        ? `format ${index.format}, not ${format}`
        : `other options (${index.options}, not ${key})`;
    throw new CorpusError(
      `the index was built reading the file as ${what}: build it with the read's options`,
      {
        file,
        code: "bad-value",
        field: "index",
      },
    );
  }
  if (end > index.records) {
    throw new CorpusError(`range ends at ${end}, past the file's ${index.records} records`, {
      file,
      code: "shard",
      field: "range",
    });
  }
}

/** The indexed entry nearest at or before record `start`. */
export function rangeStart(
  index: RecordIndex,
  start: number,
): { records: number; offset: number; line: number } {
  const entry = Math.min(Math.floor(start / index.every), index.offsets.length - 1);
  return { records: entry * index.every, offset: index.offsets[entry]!, line: index.lines[entry]! };
}
