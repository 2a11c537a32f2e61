import { checkOptions, type LongCallOptions, type Run } from "@xqg/core";
import { checkDepth, checkDimensions, checkThreads, rowsOf } from "./checks.js";
import { AnnError } from "./errors.js";
import type { RankedRow } from "./exact.js";
import { type RankedRows, type RowBlock, searchRowBlocks, toRankedRows } from "./exact-rows.js";
import { checkMetric, type Metric } from "./metric.js";

/** Rows `start` (default 0) up to `end` (exclusive; default: the matrix's last row) of a matrix. */
export interface RowRange {
  start?: number | undefined;
  end?: number | undefined;
}

/** The passages of an exact search: a row-major matrix, or its rows streamed in blocks. */
export type Passages = Float32Array | AsyncIterable<RowBlock> | Iterable<RowBlock>;

export interface ExactSearchOptions extends LongCallOptions {
  /** Floats per vector (queries and passages). */
  dimensions: number;
  /** Passages retrieved per query. */
  depth: number;
  /** Defaults to "ip", the paper's faiss IndexFlatIP. */
  metric?: Metric | undefined;
  /** The docid of each passage row (an array, or a function from row to docid); default: the row number. */
  ids?: readonly string[] | ((row: number) => string) | undefined;
  /** The id of each query row; default: the row number. */
  queryIds?: readonly string[] | undefined;
  /** Passage rows per batch when `passages` is a matrix (default 65,536); blocks are searched as they come. */
  batchSize?: number | undefined;
  /** Worker threads; 0 (default) = every core. */
  threads?: number | undefined;
}

/** {@link ExactSearchOptions} with the row range searched: the result is then {@link RankedRows}, for `mergeRankedRows`. */
export interface ExactRowsOptions extends Omit<ExactSearchOptions, "ids" | "queryIds"> {
  /** Search only these rows of the matrix (blocks must lie within them); rows stay numbered in the whole matrix. */
  rows: RowRange;
}

const KNOWN = [
  "dimensions",
  "depth",
  "metric",
  "ids",
  "queryIds",
  "rows",
  "batchSize",
  "threads",
  "onProgress",
  "signal",
];

/** Default passage rows per batch of a matrix: 64Ki rows of 768 float32 are 192 MiB. */
const BATCH_ROWS = 65_536;

/**
 * Exact (brute-force) search: the `depth` best passages for each query row, by the float64 score rounded to
 * float32, ties broken by row, so results are the same on any thread count or batch size. `passages` is a
 * row-major matrix, or its rows streamed in blocks (`{ start, rows }` in row order, e.g. @xqg/corpus
 * `(await openNpy(path)).blocks({ batchSize })`): only one block and a running top list per query are held.
 * Returns a `Run` (query id → docid → score, each query's docids in rank order); with `rows`, the best rows of
 * that range as {@link RankedRows} instead, which {@link mergeRankedRows} joins across ranges into exactly what
 * one search of the whole matrix finds. `onProgress` gets `{ unit: "rows", task: "search", done, total }` after
 * each batch (done: passage rows searched); an aborted `signal` rejects with its reason between batches.
 */
export function exactSearch(
  queries: Float32Array,
  passages: Passages,
  options: ExactRowsOptions,
): Promise<RankedRows[]>;
export function exactSearch(
  queries: Float32Array,
  passages: Passages,
  options: ExactSearchOptions & { rows?: undefined },
): Promise<Run>;
export async function exactSearch(
  queries: Float32Array,
  passages: Passages,
  options: ExactSearchOptions | ExactRowsOptions,
): Promise<Run | RankedRows[]> {
  checkOptions(options, KNOWN, "exactSearch");
  if (typeof options !== "object" || options === null)
    throw new AnnError("exactSearch: options must be an object with at least { dimensions, depth }", {
      code: "invalid-option",
    });
  const dimensions = checkDimensions(options.dimensions);
  const depth = checkDepth(options.depth);
  const metric = checkMetric(options.metric ?? "ip");
  const threads = checkThreads(options.threads);
  const batchSize = checkBatchSize(options.batchSize);
  const rows = "rows" in options ? options.rows : undefined;
  const { ids, queryIds } = options as ExactSearchOptions;
  if (rows !== undefined && (ids !== undefined || queryIds !== undefined))
    throw new AnnError("exactSearch: with rows the result is ranked rows: ids and queryIds do not apply", {
      code: "invalid-option",
      field: ids !== undefined ? "ids" : "queryIds",
    });
  const nq = rowsOf("queries", queries, dimensions);
  if (queryIds !== undefined) checkQueryIds(queryIds, nq);
  if (ids !== undefined && typeof ids !== "function" && !Array.isArray(ids))
    throw new AnnError("exactSearch: ids must be an array of docids or a function from row to docid", {
      code: "invalid-option",
      field: "ids",
    });
  const idArray = Array.isArray(ids) ? (ids as readonly string[]) : undefined;
  const docid =
    typeof ids === "function" ? ids : idArray ? (row: number) => idArray[row]! : (row: number) => String(row);

  let blocks: AsyncIterable<RowBlock> | Iterable<RowBlock>;
  let first = 0;
  let last = Number.POSITIVE_INFINITY;
  let total: number | undefined;
  if (passages instanceof Float32Array) {
    const n = rowsOf("matrix", passages, dimensions);
    ({ start: first, end: last } = checkRange(rows ?? {}, n));
    total = last - first;
    if (idArray && idArray.length !== n)
      throw new AnnError(
        `exactSearch: ${idArray.length} ids but the matrix has ${n} rows of ${dimensions} dimensions`,
        { code: "count-mismatch", field: "ids" },
      );
    blocks = matrixBlocks(passages, dimensions, first, last, batchSize);
  } else if (
    passages !== null &&
    typeof passages === "object" &&
    (Symbol.asyncIterator in passages || Symbol.iterator in passages)
  ) {
    if (rows !== undefined) {
      ({ start: first, end: last } = checkRange(rows, Number.POSITIVE_INFINITY));
      total = Number.isFinite(last) ? last - first : undefined;
    } else if (idArray) {
      last = idArray.length;
      total = idArray.length;
    }
    blocks = passages;
  } else
    throw new AnnError(
      "exactSearch: passages must be a Float32Array (rows × dimensions) or an iterable of { start, rows } blocks",
      { code: "invalid-option", field: "passages" },
    );

  let seen = 0;
  const best = await searchRowBlocks("exactSearch", counted(blocks), queries, depth, {
    dimensions,
    metric,
    threads,
    onProgress: options.onProgress,
    signal: options.signal,
    total,
    first,
    last,
    idOf: ids === undefined ? undefined : docid,
  });
  if (rows !== undefined) return best.map(toRankedRows);
  if (nq > 0 && idArray && seen !== idArray.length)
    throw new AnnError(`exactSearch: the blocks held ${seen} rows but ${idArray.length} ids were given`, {
      code: "count-mismatch",
      field: "ids",
    });
  return toRun(best, docid, queryIds);

  async function* counted(source: AsyncIterable<RowBlock> | Iterable<RowBlock>): AsyncGenerator<RowBlock> {
    for await (const block of source) {
      yield block;
      seen += block.rows.length / dimensions;
    }
  }
}

/** Each query's ranked rows as a Run entry, docids inserted in rank order. */
function toRun(
  best: readonly RankedRow[][],
  docid: (row: number) => string,
  queryIds: readonly string[] | undefined,
): Run {
  const run = new Map<string, Map<string, number>>();
  best.forEach((top, q) => {
    const scores = new Map<string, number>();
    for (const { row, score } of top) {
      const id = docid(row);
      if (scores.has(id))
        throw new AnnError(
          `exactSearch: docid ${JSON.stringify(id)} names two rows; docids must be distinct`,
          {
            code: "duplicate-id",
            field: "ids",
          },
        );
      scores.set(id, score);
    }
    run.set(queryIds?.[q] ?? String(q), scores);
  });
  return run;
}

function* matrixBlocks(
  matrix: Float32Array,
  dimensions: number,
  start: number,
  end: number,
  batchSize: number,
): Generator<RowBlock> {
  for (let row = start; row < end; row += batchSize) {
    const stop = Math.min(end, row + batchSize);
    yield { start: row, rows: matrix.subarray(row * dimensions, stop * dimensions) };
  }
}

export function checkBatchSize(batchSize: unknown, fallback = BATCH_ROWS): number {
  if (batchSize === undefined) return fallback;
  if (typeof batchSize !== "number" || !Number.isSafeInteger(batchSize) || batchSize <= 0)
    throw new AnnError(`batchSize must be a positive integer, got ${JSON.stringify(batchSize)}`, {
      code: "invalid-option",
      field: "batchSize",
    });
  return batchSize;
}

/** Query ids: one distinct string per query row. */
export function checkQueryIds(queryIds: unknown, queries: number): readonly string[] {
  if (!Array.isArray(queryIds) || queryIds.length !== queries)
    throw new AnnError(
      `queryIds must be an array of one id per query row (${queries}), got ${Array.isArray(queryIds) ? `${queryIds.length} ids` : typeof queryIds}`,
      { code: "count-mismatch", field: "queryIds" },
    );
  const seen = new Set<string>();
  for (const [i, id] of queryIds.entries()) {
    if (typeof id !== "string")
      throw new AnnError(`queryIds[${i}] must be a string, got ${typeof id}`, {
        code: "bad-id",
        field: "queryIds",
      });
    if (seen.has(id))
      throw new AnnError(`query id ${JSON.stringify(id)} appears twice; a run needs distinct query ids`, {
        code: "duplicate-id",
        field: "queryIds",
      });
    seen.add(id);
  }
  return queryIds as readonly string[];
}

function checkRange(range: RowRange, rows: number): { start: number; end: number } {
  if (typeof range !== "object" || range === null)
    throw new AnnError("exactSearch: rows must be { start?, end? }", {
      code: "invalid-option",
      field: "rows",
    });
  checkOptions(range, ["start", "end"], "exactSearch rows");
  const start = range.start ?? 0;
  const end = range.end ?? rows;
  const ok = (v: number) => v === Number.POSITIVE_INFINITY || (Number.isSafeInteger(v) && v >= 0);
  if (!ok(start) || !ok(end) || start > end || end > rows || !Number.isFinite(start))
    throw new AnnError(
      `exactSearch: rows { start: ${String(range.start)}, end: ${String(range.end)} } must be integers with 0 ≤ start ≤ end ≤ ${rows}`,
      { code: "invalid-option", field: "rows" },
    );
  return { start, end };
}
