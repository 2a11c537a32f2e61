import { describe, expect, it } from "vitest";
import {
  ANN_OPTIONS,
  AnnError,
  type Metric,
  mergeRankedRows,
  type RankedRows,
  type RowBlock,
} from "../src/index.js";
import { exactHits, rowHits } from "./hits.js";
import { docids, randomMatrix } from "./random.js";

const METRIC_NAMES = Object.keys(ANN_OPTIONS.metrics) as Metric[];

/** Rows [start, end) of `matrix` in blocks of `blockRows`, numbered in the whole matrix. */
function* rangeBlocks(
  matrix: Float32Array,
  dim: number,
  start: number,
  end: number,
  blockRows: number,
): Generator<RowBlock> {
  for (let at = start; at < end; at += blockRows)
    yield { start: at, rows: matrix.slice(at * dim, Math.min(end, at + blockRows) * dim) };
}

/** The same blocks handed out asynchronously, like @xqg/corpus `NpyReader.blocks(n, { start, end })`. */
async function* asyncRangeBlocks(...args: Parameters<typeof rangeBlocks>) {
  for (const block of rangeBlocks(...args)) {
    await Promise.resolve();
    yield block;
  }
}

/** The float32 right after (up) or before (down) `x`: one unit in the last place away. */
function nudge(x: number, up: boolean): number {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  bits[0]! += x > 0 === up ? 1 : -1;
  return f[0]!;
}

describe("exactSearch with rows + mergeRankedRows", () => {
  const dim = 8;
  const n = 300;
  const k = 20;
  const ids = docids(n);
  const matrix = randomMatrix(n, dim, 31);
  const hub0 = Float32Array.from(randomMatrix(1, dim, 32), (x) => 2 * x);
  const hub1 = randomMatrix(1, dim, 33);
  // Exact duplicates of two rows, spread over every range: more copies of hub0 than k, so the cut-off falls
  // inside a tie and row order decides which copies are in. Near-ties: a copy with one coordinate one ulp off.
  const copies0 = [0, 5, 12, ...Array.from({ length: 24 }, (_, i) => 20 + 11 * i)];
  for (const row of copies0) matrix.set(hub0, row * dim);
  for (const row of [7, 8, 100, 200]) matrix.set(hub1, row * dim);
  for (const [row, hub, column, up] of [
    [3, hub0, 0, true],
    [40, hub0, 1, false],
    [41, hub0, 1, true],
    [299, hub0, 7, false],
    [2, hub1, 3, true],
    [150, hub1, 4, false],
  ] as const) {
    matrix.set(hub, row * dim);
    matrix[row * dim + column] = nudge(hub[column]!, up);
  }
  const nudged = hub0.slice();
  nudged[2] = nudge(nudged[2]!, true);
  const queries = new Float32Array([...hub0, ...hub1, ...nudged, ...randomMatrix(6, dim, 34)]);
  // A 1-row range, one with fewer rows than k, and the rest.
  const ranges = [
    [0, 1],
    [1, 13],
    [13, n],
  ] as const;
  const blockSizes = [1, 3, 7, 64, 1000];

  const toIds = (ranked: RankedRows[]) =>
    ranked.map((r) => ({ ids: r.rows.map((row) => ids[row]!), scores: r.scores }));

  for (const metric of METRIC_NAMES) {
    it(`merged row ranges equal exactSearch on the whole matrix with ${metric} (ties, near-ties, any part order)`, async () => {
      const options = { dimensions: dim, metric, threads: 2 };
      const expected = await exactHits(matrix, ids, queries, k, options);
      // The data ties at the cut-off: for the hub0 query, row order decides which of the tied copies are in.
      const [longer] = await exactHits(matrix, ids, queries.subarray(0, dim), k + 1, options);
      expect(longer!.scores[k]).toBe(longer!.scores[k - 1]);
      for (const size of blockSizes) {
        const parts: RankedRows[][] = [];
        for (const [i, [start, end]] of ranges.entries()) {
          const blocks =
            i % 2 === 0
              ? rangeBlocks(matrix, dim, start, end, size)
              : asyncRangeBlocks(matrix, dim, start, end, size);
          const part = await rowHits(blocks, queries, k, options);
          for (const list of part) {
            expect(list.rows.length).toBe(Math.min(k, end - start));
            for (const row of list.rows) expect(row >= start && row < end).toBe(true);
          }
          parts.push(part);
        }
        const merged = mergeRankedRows(parts, k);
        expect(toIds(merged), `block size ${size}`).toEqual(expected);
        expect(mergeRankedRows(parts.toReversed(), k), `block size ${size}, reversed`).toEqual(merged);
        expect(mergeRankedRows([parts[1]!, parts[2]!, parts[0]!], k)).toEqual(merged);
      }
    });
  }

  it("one range searched whole equals the unmerged search, with rows numbered in the whole matrix", async () => {
    const options = { dimensions: dim };
    const whole = await rowHits(rangeBlocks(matrix, dim, 0, n, 64), queries, k, options);
    expect(toIds(whole)).toEqual(await exactHits(matrix, ids, queries, k, options));
    expect(mergeRankedRows([whole], k)).toEqual(whole);
    // Fewer than k asked in the merge than in the parts: the best k of the union.
    const parts = await Promise.all(
      ranges.map(([start, end]) => rowHits(rangeBlocks(matrix, dim, start, end, 50), queries, k, options)),
    );
    expect(toIds(mergeRankedRows(parts, 5))).toEqual(await exactHits(matrix, ids, queries, 5, options));
  });
});

describe("exactSearch with rows", () => {
  it("numbers rows from the blocks' starts, far into a bigger matrix, and reports each block", async () => {
    const rows = new Float32Array([1, 0, 0, 3, 2, 2, -1, 0]);
    const query = new Float32Array([1, 1]);
    const seen: number[] = [];
    const blocks = [
      { start: 1_000_000, rows: rows.slice(0, 4) },
      { start: 1_000_002, rows: new Float32Array(0) },
      { start: 1_999_998, rows: rows.slice(4) },
    ];
    const result = await rowHits(blocks, query, 3, {
      dimensions: 2,
      onProgress: (event) => seen.push(event.done),
    });
    expect(result).toEqual([
      { rows: [1_999_998, 1_000_001, 1_000_000], scores: new Float32Array([4, 3, 1]) },
    ]);
    expect(seen).toEqual([2, 2, 4]);
  });

  it("returns no lists without queries and empty lists without blocks", async () => {
    expect(await rowHits([], new Float32Array(0), 3, { dimensions: 2 })).toEqual([]);
    expect(await rowHits([], new Float32Array([1, 1, 0, 1]), 3, { dimensions: 2 })).toEqual([
      { rows: [], scores: new Float32Array(0) },
      { rows: [], scores: new Float32Array(0) },
    ]);
  });

  it("refuses blocks out of order, bad block starts and rows, non-finite rows and a bad k", async () => {
    const q = new Float32Array([1, 1]);
    const row = (start: number) => ({ start, rows: new Float32Array([1, 2]) });
    const search = (blocks: RowBlock[], k = 1) => rowHits(blocks, q, k, { dimensions: 2 });
    const rejection = async (p: Promise<unknown>) => {
      const error = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AnnError);
      return error as AnnError;
    };
    let error = await rejection(search([row(5), row(5)]));
    expect([error.message, error.code]).toEqual([
      "exactSearch: the block at row 5 overlaps or precedes rows up to 6",
      "invalid-option",
    ]);
    error = await rejection(search([{ start: 1.5, rows: new Float32Array(2) }]));
    expect(error.message).toBe("exactSearch: block start must be a non-negative integer, got 1.5");
    error = await rejection(search([{ start: 0, rows: new Float32Array(3) }]));
    expect([error.message, error.code]).toEqual([
      "dimension mismatch: the block at row 0 has 3 floats, not a multiple of the index's 2 dimensions",
      "dimension-mismatch",
    ]);
    error = await rejection(search([row(0), { start: 7, rows: new Float32Array([1, 2, 3, Number.NaN]) }]));
    expect([error.message, error.code]).toEqual([
      "matrix row 8, column 1: NaN; vectors must be finite",
      "non-finite",
    ]);
    for (const k of [0, -1, 1.5]) {
      error = await rejection(search([row(0)], k));
      expect([error.message, error.code]).toEqual([
        `depth must be a positive integer, got ${k}`,
        "invalid-option",
      ]);
    }
  });
});

describe("mergeRankedRows", () => {
  const list = (rows: number[], scores: number[]): RankedRows => ({ rows, scores: new Float32Array(scores) });
  const fails = (f: () => unknown, message: string, code = "invalid-option") => {
    let error: unknown;
    try {
      f();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnnError);
    expect([(error as AnnError).message, (error as AnnError).code]).toEqual([message, code]);
  };

  it("breaks ties by row whatever the part order, and takes at most k", () => {
    const a = [list([9, 2], [5, 1]), list([], [])];
    const b = [list([3, 4, 8], [5, 5, 1]), list([6], [-2])];
    const expected = [list([3, 4, 9], [5, 5, 5]), list([6], [-2])];
    expect(mergeRankedRows([a, b], 3)).toEqual(expected);
    expect(mergeRankedRows([b, a], 3)).toEqual(expected);
    expect(mergeRankedRows([a, b], 10)).toEqual([list([3, 4, 9, 2, 8], [5, 5, 5, 1, 1]), list([6], [-2])]);
    expect(mergeRankedRows([[], []], 3)).toEqual([]);
  });

  it("never modifies its inputs, nor shares arrays with them", () => {
    const a = [list([1, 0], [3, 2])];
    const b = [list([5], [2.5])];
    const before = structuredClone([a, b]);
    const merged = mergeRankedRows([a, b], 2);
    expect(merged).toEqual([list([1, 5], [3, 2.5])]);
    expect([a, b]).toEqual(before);
    const single = mergeRankedRows([a], 2);
    expect(single).toEqual(a);
    expect(single[0]!.rows).not.toBe(a[0]!.rows);
    expect(single[0]!.scores).not.toBe(a[0]!.scores);
    single[0]!.rows[0] = 99;
    single[0]!.scores[0] = 99;
    expect([a, b]).toEqual(before);
  });

  it("refuses parts with different numbers of queries, overlapping rows, bad lists and a bad k", () => {
    const one = [list([0], [1])];
    fails(
      () => mergeRankedRows([one, [list([1], [1]), list([2], [1])]], 2),
      "mergeRankedRows: part 1 has 2 queries but part 0 has 1; every part must be searched with the same queries",
      "count-mismatch",
    );
    fails(
      () => mergeRankedRows([[list([4, 7], [3, 1])], [list([2], [9])], [list([5, 7], [2, 1])]], 1),
      "mergeRankedRows: row 7 is in part 0 and in part 2 (query 0); the parts' row ranges must not overlap",
    );
    fails(
      () => mergeRankedRows([[list([3, 1], [1, 1])]], 2),
      "mergeRankedRows: part 0, query 0: not in rank order at position 1 (row 1, score 1 after row 3, score 1); " +
        "lists must be sorted by score descending, then row",
    );
    fails(
      () => mergeRankedRows([one, [list([2, 3], [1])]], 2),
      "mergeRankedRows: part 1, query 0: expected { rows: number[], scores: Float32Array } of equal lengths",
    );
    fails(
      () => mergeRankedRows([one, [list([-1], [1])]], 2),
      "mergeRankedRows: part 1, query 0: row -1 at position 0 is not a non-negative integer",
    );
    fails(
      () => mergeRankedRows([[list([0], [Number.NaN])]], 2),
      "mergeRankedRows: part 0, query 0: the score at position 0 (row 0) is NaN",
    );
    fails(
      () => mergeRankedRows([], 2),
      "mergeRankedRows: parts must be a non-empty array, one list of RankedRows per part",
    );
    for (const k of [0, -3, 2.5, Number.NaN])
      fails(() => mergeRankedRows([one], k), `depth must be a positive integer, got ${JSON.stringify(k)}`);
  });
});
