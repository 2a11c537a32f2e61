// The exact search's and the index's results as per-query hit lists ({ ids, scores } in rank order), the shape
// these tests compare: a Run's maps hold their docids in rank order.
import type { ProgressEvent, Run } from "@xqg/core";
import { exactSearch, type Metric, type RankedRows, type RowBlock } from "../src/index.js";

export interface Hits {
  ids: string[];
  scores: Float32Array;
}

interface Options {
  dimensions: number;
  metric?: Metric;
  threads?: number;
  batchSize?: number;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export const hitsOf = (scores: ReadonlyMap<string, number>): Hits => ({
  ids: [...scores.keys()],
  scores: Float32Array.from(scores.values()),
});

export const hitsOfRun = (run: Run): Hits[] => [...run.values()].map(hitsOf);

/** exactSearch over a matrix with docids, as hit lists. */
export async function exactHits(
  matrix: Float32Array,
  ids: readonly string[],
  queries: Float32Array,
  depth: number,
  options: Options,
): Promise<Hits[]> {
  return hitsOfRun(await exactSearch(queries, matrix, { ...options, depth, ids }));
}

/** exactSearch over streamed row blocks with docids, as hit lists. */
export async function blockHits(
  blocks: AsyncIterable<RowBlock> | Iterable<RowBlock>,
  ids: readonly string[] | ((row: number) => string),
  queries: Float32Array,
  depth: number,
  options: Options,
): Promise<Hits[]> {
  return hitsOfRun(await exactSearch(queries, blocks, { ...options, depth, ids }));
}

/** exactSearch of the rows the blocks hold, as ranked rows. */
export function rowHits(
  blocks: AsyncIterable<RowBlock> | Iterable<RowBlock>,
  queries: Float32Array,
  depth: number,
  options: Options,
): Promise<RankedRows[]> {
  return exactSearch(queries, blocks, { ...options, depth, rows: {} });
}
