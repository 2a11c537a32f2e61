import { AnnError } from "./errors.js";
import { type ExactSearchBlocksOptions, type RowBlock, searchRowBlocks } from "./exact-rows.js";
import type { SearchResult } from "./result.js";

/** Docids by row: one per matrix row, or a function from row number to docid. */
export type RowIds = readonly string[] | ((row: number) => string);

/**
 * `exactSearch` over a matrix streamed in row blocks (e.g. @xqg/corpus `openNpy(path).blocks(n)`): only
 * one block and a running top-k per query are held, never the whole matrix. Blocks come in row order
 * without overlap; with `ids` as an array they must cover its rows exactly. Same results as `exactSearch`
 * on the whole matrix: ids, scores and ties broken by row number. `exactSearchRows` with the rows mapped to
 * docids.
 */
export async function exactSearchBlocks(
  blocks: AsyncIterable<RowBlock> | Iterable<RowBlock>,
  ids: RowIds,
  queries: Float32Array,
  k: number,
  options: ExactSearchBlocksOptions,
): Promise<SearchResult[]> {
  if (typeof ids !== "function" && !Array.isArray(ids))
    throw new AnnError(
      "exactSearchBlocks: ids must be an array of docids or a function from row to docid",
      "bad-option",
      { field: "ids" },
    );
  const docid = typeof ids === "function" ? ids : (row: number) => ids[row]!;
  let seen = 0;
  const best = await searchRowBlocks("exactSearchBlocks", blocks, queries, k, options, {
    idOf: docid,
    checkRows(start, count) {
      if (typeof ids !== "function" && start + count > ids.length)
        throw new AnnError(
          `exactSearchBlocks: the block at row ${start} has ${count} rows, past the ${ids.length} ids given`,
          "count-mismatch",
          { field: "ids" },
        );
      seen += count;
    },
  });
  if (best.length === 0) return [];
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
