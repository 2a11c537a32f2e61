import { checkDimensions, checkFinite, checkK, checkThreads, rowsOf } from "./checks.js";
import { AnnError } from "./errors.js";
import { byRank, type ExactSearchOptions, type RankedRow, topRows, wholeBuffer } from "./exact.js";
import { checkMetric } from "./metric.js";
import type { SearchResult } from "./result.js";

/** Consecutive rows of a matrix: `rows` holds rows `start …` ([count × dimensions], row-major). */
export interface RowBlock {
  readonly start: number;
  readonly rows: Float32Array;
}

/** Docids by row: one per matrix row, or a function from row number to docid. */
export type RowIds = readonly string[] | ((row: number) => string);

export interface ExactSearchBlocksOptions extends ExactSearchOptions {
  /** Called after each block has been searched, e.g. for progress. */
  onBlock?: (block: { start: number; count: number }) => void;
}

/**
 * `exactSearch` over a matrix streamed in row blocks (e.g. @xqg/corpus `openNpy(path).blocks(n)`): only
 * one block and a running top-k per query are held, never the whole matrix. Blocks come in row order
 * without overlap; with `ids` as an array they must cover its rows exactly. Same results as `exactSearch`
 * on the whole matrix: ids, scores and ties broken by row number.
 */
export async function exactSearchBlocks(
  blocks: AsyncIterable<RowBlock> | Iterable<RowBlock>,
  ids: RowIds,
  queries: Float32Array,
  k: number,
  options: ExactSearchBlocksOptions,
): Promise<SearchResult[]> {
  const dimensions = checkDimensions(options?.dimensions);
  const metric = checkMetric(options.metric ?? "ip");
  const threads = checkThreads(options.threads);
  const nq = rowsOf("queries", queries, dimensions);
  checkK(k);
  if (typeof ids !== "function" && !Array.isArray(ids))
    throw new AnnError(
      "exactSearchBlocks: ids must be an array of docids or a function from row to docid",
      "bad-option",
      { field: "ids" },
    );
  checkFinite("queries", queries, dimensions);
  if (nq === 0) return [];
  const docid = typeof ids === "function" ? ids : (row: number) => ids[row]!;
  const whole = wholeBuffer(queries);
  let best: RankedRow[][] = Array.from({ length: nq }, () => []);
  let end = 0;
  let seen = 0;
  for await (const block of blocks) {
    const count = checkBlock(block, dimensions, end, ids);
    checkFinite("matrix", block.rows, dimensions, block.start, docid);
    if (count > 0) {
      const found = topRows(block.rows, whole, dimensions, Math.min(k, count), metric, threads);
      best = best.map((top, q) => mergeTop(top, found[q]!, block.start, k));
    }
    end = block.start + count;
    seen += count;
    options.onBlock?.({ start: block.start, count });
  }
  if (typeof ids !== "function" && seen !== ids.length)
    throw new AnnError(
      `exactSearchBlocks: the blocks held ${seen} rows but ${ids.length} ids were given`,
      "count-mismatch",
      { field: "ids" },
    );
  return best.map((top) => ({
    ids: top.map((r) => docid(r.row)),
    scores: Float32Array.from(top, (r) => r.score),
  }));
}

/** The block's row count, after checking it follows the previous block and stays within the ids. */
function checkBlock(block: RowBlock, dimensions: number, end: number, ids: RowIds): number {
  const start = block?.start;
  if (!Number.isSafeInteger(start) || start < 0)
    throw new AnnError(
      `exactSearchBlocks: block start must be a non-negative integer, got ${String(start)}`,
      "bad-option",
      { field: "start" },
    );
  const count = rowsOf(`the block at row ${start}`, block.rows, dimensions);
  if (start < end)
    throw new AnnError(
      `exactSearchBlocks: the block at row ${start} overlaps or precedes rows up to ${end}`,
      "bad-option",
      { field: "start" },
    );
  if (typeof ids !== "function" && start + count > ids.length) {
    throw new AnnError(
      `exactSearchBlocks: the block at row ${start} has ${count} rows, past the ${ids.length} ids given`,
      "count-mismatch",
      { field: "ids" },
    );
  }
  return count;
}

/** The k best of a running top list and a block's top list (rows shifted by `start`), in rank order. */
function mergeTop(top: RankedRow[], found: RankedRow[], start: number, k: number): RankedRow[] {
  const shifted = found.map((r) => ({ row: start + r.row, score: r.score }));
  const merged: RankedRow[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < k && (i < top.length || j < shifted.length)) {
    const takeTop = j === shifted.length || (i < top.length && byRank(top[i]!, shifted[j]!) < 0);
    merged.push(takeTop ? top[i++]! : shifted[j++]!);
  }
  return merged;
}
