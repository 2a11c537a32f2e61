import type { ProgressEvent } from "@xqg/core";
import { checkDepth, checkFinite, rowsOf } from "./checks.js";
import { AnnError } from "./errors.js";
import { byRank, type RankedRow, topRows, wholeBuffer } from "./exact.js";
import type { Metric } from "./metric.js";

/** Consecutive rows of a matrix: `rows` holds rows `start …` ([count × dimensions], row-major). */
export interface RowBlock {
  readonly start: number;
  readonly rows: Float32Array;
}

/**
 * One query's best rows in rank order (score descending, equal scores by row ascending), as `exactSearch`
 * returns them with `rows` and {@link mergeRankedRows} merges them. `rows` are row numbers of the whole matrix,
 * `scores[i]` the exact score of `rows[i]` (higher is better).
 */
export interface RankedRows {
  rows: number[];
  scores: Float32Array;
}

/** What the streamed search needs once its options are checked. */
export interface RowSearch {
  readonly dimensions: number;
  readonly metric: Metric;
  readonly threads: number;
  readonly onProgress?: ((event: ProgressEvent) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Rows to be searched, for the progress events (undefined when not known in advance). */
  readonly total: number | undefined;
  /** Blocks must lie in rows [first, last). */
  readonly first: number;
  readonly last: number;
  /** Docid of a row, for naming a non-finite row. */
  readonly idOf?: ((row: number) => string) | undefined;
}

/** Lets a pending abort (a timer, a signal from another task) land between two batches of synchronous work. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The one streamed exact search: a running top-k per query (rows numbered in the whole matrix), merged block
 * by block; after each block `onProgress` gets the rows searched so far, and an aborted `signal` stops the
 * search before the next block. `caller` prefixes the error messages. Returns `[]` without reading the blocks
 * when there are no queries.
 */
export async function searchRowBlocks(
  caller: string,
  blocks: AsyncIterable<RowBlock> | Iterable<RowBlock>,
  queries: Float32Array,
  k: number,
  search: RowSearch,
): Promise<RankedRow[][]> {
  const { dimensions, metric, threads, signal } = search;
  const nq = rowsOf("queries", queries, dimensions);
  checkFinite("queries", queries, dimensions);
  signal?.throwIfAborted();
  if (nq === 0) return [];
  const whole = wholeBuffer(queries);
  let best: RankedRow[][] = Array.from({ length: nq }, () => []);
  let end = search.first;
  let done = 0;
  for await (const block of blocks) {
    signal?.throwIfAborted();
    const count = checkBlock(caller, block, dimensions, end);
    if (block.start + count > search.last)
      throw new AnnError(
        `${caller}: the block at row ${block.start} has ${count} rows, past row ${search.last}`,
        { code: "count-mismatch", field: "rows" },
      );
    checkFinite("matrix", block.rows, dimensions, block.start, search.idOf);
    if (count > 0) {
      const found = topRows(block.rows, whole, dimensions, Math.min(k, count), metric, threads);
      best = best.map((top, q) => mergeTop(top, shift(found[q]!, block.start), k));
    }
    end = block.start + count;
    done += count;
    search.onProgress?.({ unit: "rows", task: "search", done, total: search.total });
    await nextTurn();
  }
  signal?.throwIfAborted();
  return best;
}

/** The block's row count, after checking its start and that it follows the previous block (rows up to `end`). */
function checkBlock(caller: string, block: RowBlock, dimensions: number, end: number): number {
  const start = block?.start;
  if (!Number.isSafeInteger(start) || start < 0)
    throw new AnnError(`${caller}: block start must be a non-negative integer, got ${String(start)}`, {
      code: "invalid-option",
      field: "start",
    });
  const count = rowsOf(`the block at row ${start}`, block.rows, dimensions);
  if (start < end)
    throw new AnnError(`${caller}: the block at row ${start} overlaps or precedes rows up to ${end}`, {
      code: "invalid-option",
      field: "start",
    });
  return count;
}

const shift = (found: RankedRow[], start: number): RankedRow[] =>
  found.map((r) => ({ row: start + r.row, score: r.score }));

/** The k best of two lists in rank order with no row in common, in rank order. */
function mergeTop(a: readonly RankedRow[], b: readonly RankedRow[], k: number): RankedRow[] {
  const merged: RankedRow[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < k && (i < a.length || j < b.length)) {
    const takeA = j === b.length || (i < a.length && byRank(a[i]!, b[j]!) < 0);
    merged.push(takeA ? a[i++]! : b[j++]!);
  }
  return merged;
}

export const toRankedRows = (top: readonly RankedRow[]): RankedRows => ({
  rows: top.map((r) => r.row),
  scores: Float32Array.from(top, (r) => r.score),
});

/**
 * Per query, the `k` best rows of the parts' lists, in rank order (score descending, then row ascending): the
 * results of {@link exactSearchRows} over separate row ranges of one matrix (same queries, metric and `k` or
 * more) merge into exactly those of one exact search over the whole matrix. Parts may come in any order.
 * Every part must hold one list per query, each list in rank order with `rows.length === scores.length`; a
 * row found in two parts (overlapping ranges) is refused. Pure: the inputs are not modified and the result
 * shares no array with them. Throws an `AnnError` (`invalid-option`, or `count-mismatch` for parts with different
 * numbers of queries); at least one part is needed, since no part gives no number of queries.
 */
export function mergeRankedRows(parts: readonly (readonly RankedRows[])[], depth: number): RankedRows[] {
  const k = depth;
  checkDepth(k);
  if (!Array.isArray(parts) || parts.length === 0)
    throw new AnnError("mergeRankedRows: parts must be a non-empty array, one list of RankedRows per part", {
      code: "invalid-option",
      field: "parts",
    });
  parts.forEach((part, p) => {
    if (!Array.isArray(part))
      throw new AnnError(`mergeRankedRows: part ${p} must be an array of RankedRows (one per query)`, {
        code: "invalid-option",
        field: "parts",
      });
  });
  const nq = parts[0]!.length;
  const odd = parts.findIndex((part) => part.length !== nq);
  if (odd >= 0)
    throw new AnnError(
      `mergeRankedRows: part ${odd} has ${parts[odd]!.length} queries but part 0 has ${nq}; ` +
        "every part must be searched with the same queries",
      { code: "count-mismatch", field: "parts" },
    );
  return Array.from({ length: nq }, (_, q) => {
    const seen = new Map<number, number>();
    let best: RankedRow[] = [];
    parts.forEach((part, p) => {
      const list = rankedList(part[q], p, q);
      for (const { row } of list) {
        const other = seen.get(row);
        if (other !== undefined)
          throw new AnnError(
            `mergeRankedRows: row ${row} is in part ${other} and in part ${p} (query ${q}); ` +
              "the parts' row ranges must not overlap",
            { code: "invalid-option", field: "parts" },
          );
        seen.set(row, p);
      }
      best = mergeTop(best, list, k);
    });
    return toRankedRows(best);
  });
}

/** Part `p`'s list for query `q` as RankedRow objects, after checking its shape and rank order. */
function rankedList(ranked: RankedRows | undefined, p: number, q: number): RankedRow[] {
  const where = `mergeRankedRows: part ${p}, query ${q}`;
  const rows = ranked?.rows;
  const scores = ranked?.scores;
  if (!Array.isArray(rows) || !(scores instanceof Float32Array) || rows.length !== scores.length)
    throw new AnnError(`${where}: expected { rows: number[], scores: Float32Array } of equal lengths`, {
      code: "invalid-option",
      field: "parts",
    });
  const list: RankedRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const score = scores[i]!;
    if (typeof row !== "number" || !Number.isSafeInteger(row) || row < 0)
      throw new AnnError(`${where}: row ${String(row)} at position ${i} is not a non-negative integer`, {
        code: "invalid-option",
        field: "parts",
      });
    if (Number.isNaN(score))
      throw new AnnError(`${where}: the score at position ${i} (row ${row}) is NaN`, {
        code: "invalid-option",
        field: "parts",
      });
    const entry = { row, score };
    if (i > 0 && byRank(list[i - 1]!, entry) >= 0)
      throw new AnnError(
        `${where}: not in rank order at position ${i} (row ${row}, score ${score} after row ` +
          `${list[i - 1]!.row}, score ${list[i - 1]!.score}); lists must be sorted by score descending, then row`,
        { code: "invalid-option", field: "parts" },
      );
    list.push(entry);
  }
  return list;
}
