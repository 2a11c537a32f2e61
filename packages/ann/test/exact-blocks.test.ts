import { describe, expect, it } from "vitest";
import { ANN_OPTIONS, type Metric, type RowBlock } from "../src/index.js";
import { blockHits, exactHits } from "./hits.js";
import { docids, mulberry32, randomMatrix } from "./random.js";

/** `blockRows` rows at a time, as views into `matrix` (like a reader that slices one buffer). */
function* viewBlocks(matrix: Float32Array, dim: number, blockRows: number): Generator<RowBlock> {
  for (let start = 0; start * dim < matrix.length; start += blockRows)
    yield { start, rows: matrix.subarray(start * dim, Math.min(matrix.length, (start + blockRows) * dim)) };
}

/** The same blocks as fresh arrays, handed out asynchronously (like @xqg/corpus `NpyReader.blocks`). */
async function* copiedBlocks(matrix: Float32Array, dim: number, blockRows: number) {
  for (const block of viewBlocks(matrix, dim, blockRows)) {
    await Promise.resolve();
    yield { start: block.start, rows: block.rows.slice() };
  }
}

/** Values from {-1, 0, 1}: many rows share a score with a query, so ties cross block boundaries. */
function coarseMatrix(rows: number, dim: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: rows * dim }, () => Math.floor(next() * 3) - 1);
}

const METRIC_NAMES = Object.keys(ANN_OPTIONS.metrics) as Metric[];

describe("exactSearch over row blocks", () => {
  const dim = 16;
  const n = 1000;
  const k = 50;
  const ids = docids(n);
  // 1000 rows: one block, blocks smaller than k, uneven blocks with a short last one (999 → 1 row).
  const blockSizes = [1, 7, 33, 49, 50, 128, 999, 1000, 4096];

  for (const [name, matrix, queries] of [
    ["random", randomMatrix(n, dim, 11), randomMatrix(9, dim, 12)],
    ["tie-heavy", coarseMatrix(n, dim, 13), coarseMatrix(9, dim, 14)],
  ] as const) {
    for (const metric of METRIC_NAMES) {
      it(`matches exactSearch on ${name} data with ${metric}, for every block size`, async () => {
        const expected = await exactHits(matrix, ids, queries, k, { dimensions: dim, metric });
        for (const size of blockSizes) {
          const views = await blockHits(viewBlocks(matrix, dim, size), ids, queries, k, {
            dimensions: dim,
            metric,
            threads: 2,
          });
          expect(views, `block size ${size}`).toEqual(expected);
          const copies = await blockHits(copiedBlocks(matrix, dim, size), (row) => `d${row}`, queries, k, {
            dimensions: dim,
            metric,
          });
          expect(copies, `block size ${size}, async copies`).toEqual(expected);
        }
      });
    }
  }

  it("searches queries in chunks when rows × queries would overflow usearch's scratch, with the same results", async () => {
    // 2^20 rows: usearch's ≈16 bytes per (row, query) pair allow 16 queries per call under the 256 MiB cap.
    const rows = 1 << 20;
    const matrix = randomMatrix(rows, 2, 21);
    const queries = randomMatrix(40, 2, 22);
    const expected = Array.from({ length: 40 }, (_, q) => {
      const [x, y] = [queries[2 * q]!, queries[2 * q + 1]!];
      const top: Array<{ row: number; score: number }> = [];
      for (let r = 0; r < rows; r++) {
        const score = Math.fround(matrix[2 * r]! * x + matrix[2 * r + 1]! * y);
        if (top.length < 5 || score > top[4]!.score) {
          top.push({ row: r, score });
          top.sort((a, b) => b.score - a.score || a.row - b.row);
          top.length = Math.min(top.length, 5);
        }
      }
      return { ids: top.map((t) => `d${t.row}`), scores: Float32Array.from(top, (t) => t.score) };
    });
    const ids = (row: number) => `d${row}`;
    expect(await exactHits(matrix, docids(rows), queries, 5, { dimensions: 2 })).toEqual(expected);
    expect(await blockHits(viewBlocks(matrix, 2, 300_000), ids, queries, 5, { dimensions: 2 })).toEqual(
      expected,
    );
  });

  it("breaks ties across blocks by row number, with exact scores", async () => {
    const rows = new Float32Array(60 * 3);
    for (let i = 0; i < 60; i++) rows.set(i === 41 ? [2, 0, 0] : [1, 0, 0], i * 3);
    const [r] = await blockHits(viewBlocks(rows, 3, 4), docids(60), new Float32Array([1, 0, 0]), 5, {
      dimensions: 3,
    });
    expect(r!.ids).toEqual(["d41", "d0", "d1", "d2", "d3"]);
    expect(Array.from(r!.scores)).toEqual([2, 1, 1, 1, 1]);
  });

  it("returns every row when k exceeds the rows, and skips rows between blocks given ids by function", async () => {
    const matrix = new Float32Array([1, 0, 0, 3, 2, 2, -1, 0]);
    const query = new Float32Array([1, 1]);
    const all = await blockHits(viewBlocks(matrix, 2, 3), ["a", "b", "c", "d"], query, 10, {
      dimensions: 2,
    });
    expect(all).toEqual([{ ids: ["c", "b", "a", "d"], scores: new Float32Array([4, 3, 1, -1]) }]);
    // A shard: rows 100-101 and 205 of a larger matrix.
    const shard = [
      { start: 100, rows: matrix.slice(0, 4) },
      { start: 205, rows: matrix.slice(4, 6) },
    ];
    const seen: unknown[] = [];
    const [r] = await blockHits(shard, (row) => `p${row}`, query, 2, {
      dimensions: 2,
      onProgress: (event) => seen.push(event),
    });
    expect(r).toEqual({ ids: ["p205", "p101"], scores: new Float32Array([4, 3]) });
    expect(seen).toEqual([
      { unit: "rows", task: "search", done: 2, total: undefined },
      { unit: "rows", task: "search", done: 3, total: undefined },
    ]);
  });

  it("handles no queries, no blocks and empty blocks", async () => {
    const q = new Float32Array([1, 1]);
    expect(await blockHits([], [], new Float32Array(0), 3, { dimensions: 2 })).toEqual([]);
    expect(await blockHits([], [], q, 3, { dimensions: 2 })).toEqual([
      { ids: [], scores: new Float32Array(0) },
    ]);
    const blocks = [
      { start: 0, rows: new Float32Array(0) },
      { start: 0, rows: new Float32Array([1, 2]) },
    ];
    expect(await blockHits(blocks, ["a"], q, 3, { dimensions: 2 })).toEqual([
      { ids: ["a"], scores: new Float32Array([3]) },
    ]);
  });

  it("reports blocks out of order, past the ids or short of them, and bad block rows", async () => {
    const q = new Float32Array([1, 1]);
    const row = (start: number) => ({ start, rows: new Float32Array([1, 2]) });
    const search = (blocks: RowBlock[], ids: string[] | ((r: number) => string) = ["a", "b"]) =>
      blockHits(blocks, ids, q, 1, { dimensions: 2 });
    await expect(search([row(1), row(0)])).rejects.toThrow(
      "exactSearch: the block at row 0 overlaps or precedes rows up to 2",
    );
    await expect(search([row(0), row(2)])).rejects.toThrow(
      "exactSearch: the block at row 2 has 1 rows, past row 2",
    );
    await expect(search([row(0)])).rejects.toThrow(
      "exactSearch: the blocks held 1 rows but 2 ids were given",
    );
    await expect(search([{ start: -1, rows: new Float32Array(2) }], () => "x")).rejects.toThrow(
      "exactSearch: block start must be a non-negative integer, got -1",
    );
    await expect(search([{ start: 0, rows: new Float32Array(3) }])).rejects.toThrow(
      "dimension mismatch: the block at row 0 has 3 floats, not a multiple of the index's 2 dimensions",
    );
    await expect(blockHits([row(0)], ["a"], q, 0, { dimensions: 2 })).rejects.toThrow(
      "depth must be a positive integer, got 0",
    );
  });
});
