import { IdTable } from "@xqg/core";
import { CorpusError } from "../errors.js";

/** What `readPassages` and `readQueries` do with a record whose id came earlier in the file. */
export const DUPLICATE_POLICIES = {
  error: "stop with a CorpusError naming the id and both lines (the default)",
  first: "keep the first record of each id and drop the later ones",
  last: "keep the last record of each id (the file is read twice: once to find the last lines, once to yield)",
} as const;
export type DuplicatePolicy = keyof typeof DUPLICATE_POLICIES;

/** The option of the readers whose records have an id (`readPassages`, `readQueries`). */
export interface DuplicateOptions {
  /**
   * A record whose id came earlier in the file: `"error"` (default) throws a `duplicate-id` CorpusError naming
   * the id and both lines (never skipped by `onError: "skip"`); `"first"` / `"last"` keep one record per id
   * and count the others in `stats.duplicates`. Queries repeated word for word (same question, answers and
   * language) are harmless: under `"error"` the first is kept, with a warning.
   */
  duplicates?: DuplicatePolicy;
}

/** A repeated id: the line (or 1-based position) it was first seen on, and the line it came again. */
export interface Duplicate {
  id: string;
  first: number;
  line: number;
}

/** Streams ids through one hash table, remembering the line each was first seen on. */
export interface DuplicateDetector {
  /** Distinct ids seen. */
  readonly size: number;
  /** Records `id`, read on `line`. Returns the line it was first seen on when it is a repeat, else undefined. */
  add(id: string, line: number): number | undefined;
  /** Like `add`, but a repeat throws a `duplicate-id` CorpusError naming the file, the id and both lines. */
  check(id: string, line: number): void;
  /** The line `id` was first seen on, or undefined. */
  lineOf(id: string): number | undefined;
}

/** Ids and one line number per distinct id (the first line, or the last under the "last" policy). */
export class IdLines {
  readonly table = new IdTable();
  #lines = new Float64Array(1024);

  /** Adds `id` read on `line`; returns the position of its earlier occurrence, or -1 when it is new. */
  add(id: string, line: number): number {
    const earlier = this.table.add(id);
    if (earlier >= 0) return earlier;
    const position = this.table.size - 1;
    if (position === this.#lines.length) {
      const grown = new Float64Array(position * 2);
      grown.set(this.#lines);
      this.#lines = grown;
    }
    this.#lines[position] = line;
    return -1;
  }

  lineAt(position: number): number {
    return this.#lines[position]!;
  }

  setLine(position: number, line: number): void {
    this.#lines[position] = line;
  }
}

function duplicateError(file: string, field: string, id: string, first: number, line: number, more = "") {
  const reason = `duplicate ${field} ${JSON.stringify(id)}: first on line ${first}${more}`;
  return new CorpusError(reason, { file, line, field, code: "duplicate-id" });
}

/**
 * A detector of repeated ids for a stream that is not a corpus file (an ids sidecar, ids computed on the fly):
 * memory is that of the ids themselves plus about 32 bytes per distinct id (corpus README, "Duplicates"), with
 * no limit on their number (one V8 Map stops at 2^24). `file` and `field` name the source in errors.
 */
export function createDuplicateDetector(options: { file?: string; field?: string } = {}): DuplicateDetector {
  const { file = "", field = "id" } = options;
  const seen = new IdLines();
  const add = (id: string, line: number): number | undefined => {
    const earlier = seen.add(id, line);
    return earlier < 0 ? undefined : seen.lineAt(earlier);
  };
  return {
    get size() {
      return seen.table.size;
    },
    add,
    check(id, line) {
      const first = add(id, line);
      if (first !== undefined) throw duplicateError(file, field, id, first, line);
    },
    lineOf(id) {
      const position = seen.table.indexOf(id);
      return position < 0 ? undefined : seen.lineAt(position);
    },
  };
}

/**
 * Every repeated id of a stream of ids (e.g. `streamIds("passages.ids")`), in one pass: `first` and `line` are
 * 1-based positions, which are the line numbers of an ids sidecar. Stops after `limit` repeats (default: all).
 */
export async function findDuplicates(
  ids: Iterable<string> | AsyncIterable<string>,
  options: { limit?: number } = {},
): Promise<Duplicate[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const detector = createDuplicateDetector();
  const found: Duplicate[] = [];
  let line = 0;
  if (limit <= 0) return found;
  for await (const id of ids) {
    const first = detector.add(id, ++line);
    if (first === undefined) continue;
    found.push({ id, first, line });
    if (found.length >= limit) break;
  }
  return found;
}

/** How a reader knows a record's id (and, for queries, when two records are the same). */
export interface RecordIdentity<T> {
  /** The id field, as messages name it (`docid`, `id`). */
  readonly field: string;
  id(record: T): string;
  /** The record's content: a repeat with equal content is dropped with a warning rather than an error. */
  content?(record: T): string;
}

/** Decides, record by record, which records a reader yields. */
export interface DuplicateFilter<T> {
  /** False: drop the record (a duplicate the policy does not keep); throws under the "error" policy. */
  accept(record: T, line: number): boolean;
}

/** The filter of the "error" and "first" policies (one pass). */
export function firstPassFilter<T>(
  identity: RecordIdentity<T>,
  policy: "error" | "first",
  file: string,
  warn: (line: number, field: string, message: string) => void,
): DuplicateFilter<T> {
  const seen = new IdLines();
  const contents: string[] | undefined = policy === "error" && identity.content ? [] : undefined;
  return {
    accept(record, line) {
      const id = identity.id(record);
      const earlier = seen.add(id, line);
      if (earlier < 0) {
        if (contents) contents.push(identity.content!(record));
        return true;
      }
      if (policy === "first") return false;
      const first = seen.lineAt(earlier);
      if (contents !== undefined && contents[earlier] === identity.content!(record)) {
        warn(
          line,
          identity.field,
          `${identity.field} ${JSON.stringify(id)} repeats line ${first} exactly; kept once`,
        );
        return false;
      }
      const more = `${contents ? ", with different content" : ""}; keep one with duplicates: "first" or "last"`;
      throw duplicateError(file, identity.field, id, first, line, more);
    },
  };
}

/** The "last" policy's first read: the last line of every id. */
export function lastLineScan<T>(identity: RecordIdentity<T>): DuplicateFilter<T> & { seen: IdLines } {
  const seen = new IdLines();
  return {
    seen,
    accept(record, line) {
      const earlier = seen.add(identity.id(record), line);
      if (earlier >= 0) seen.setLine(earlier, line);
      return false;
    },
  };
}

/** The "last" policy's second read: yields each id's record at the line the first read found last. */
export function lastLineFilter<T>(
  identity: RecordIdentity<T>,
  seen: IdLines,
  file: string,
): DuplicateFilter<T> {
  return {
    accept(record, line) {
      const position = seen.table.indexOf(identity.id(record));
      if (position < 0)
        throw new CorpusError('the file changed between the two reads of duplicates: "last"', {
          file,
          line,
          code: "io",
        });
      return seen.lineAt(position) === line;
    },
  };
}
