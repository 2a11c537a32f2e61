import { describe, expect, it } from "vitest";
import { exactSearch } from "../src/index.js";
import { exactHits } from "./hits.js";
import { docids, randomMatrix } from "./random.js";

const P = new Float32Array([1, 0, 2, 0, 0, 3, 0, 1, 2, 2, 2, 2, -1, 0, 0, 4]);
const IDS = ["a", "b", "c", "d"];

describe("exactSearch", async () => {
  it("ranks by inner product by default, with exact dot-product scores", async () => {
    const [r] = await exactHits(P, IDS, new Float32Array([1, 1, 1, 1]), 4, { dimensions: 4 });
    // dots: a 3, b 4, c 8, d 3; the a/d tie is broken by row order.
    expect(r).toEqual({ ids: ["c", "b", "a", "d"], scores: new Float32Array([8, 4, 3, 3]) });
  });

  it("supports cos and l2 with higher-is-better scores", async () => {
    const q = new Float32Array([1, 1, 1, 1]);
    const [cos] = await exactHits(P, IDS, q, 2, { dimensions: 4, metric: "cos" });
    // cos(q, a) = 3 / √(5·4) beats cos(q, b) = 4 / √(10·4)
    expect(cos!.ids).toEqual(["c", "a"]);
    expect(Array.from(cos!.scores)).toEqual([1, Math.fround(3 / Math.sqrt(20))]);
    const [l2] = await exactHits(P, IDS, q, 4, { dimensions: 4, metric: "l2" });
    // |q-a|² = 3, |q-b|² = 1+4+1+0 = 6, |q-c|² = 4, |q-d|² = 4+1+1+9 = 15
    expect(l2).toEqual({ ids: ["a", "c", "b", "d"], scores: new Float32Array([-3, -4, -6, -15]) });
  });

  it("breaks ties by row order, also when the tie runs past the candidates usearch returned", async () => {
    const dim = 3;
    const n = 60;
    const rows = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) rows.set(i === 41 ? [2, 0, 0] : [1, 0, 0], i * dim);
    const ids = docids(n);
    const [r] = await exactHits(rows, ids, new Float32Array([1, 0, 0]), 5, { dimensions: dim, threads: 2 });
    expect(r!.ids).toEqual(["d41", "d0", "d1", "d2", "d3"]);
    expect(Array.from(r!.scores)).toEqual([2, 1, 1, 1, 1]);
  });

  it("returns every row when k exceeds the matrix, and one result per query", async () => {
    const data = randomMatrix(50, 8, 1);
    const queries = randomMatrix(3, 8, 2);
    const results = await exactHits(data, docids(50), queries, 80, { dimensions: 8 });
    expect(results).toHaveLength(3);
    for (const [q, r] of results.entries()) {
      expect(r.ids).toHaveLength(50);
      // independent check: sort all dot products in float64
      const dots = Array.from({ length: 50 }, (_, i) => {
        let s = 0;
        for (let j = 0; j < 8; j++) s += data[i * 8 + j]! * queries[q * 8 + j]!;
        return { id: `d${i}`, s };
      }).sort((x, y) => y.s - x.s);
      expect(r.ids).toEqual(dots.map((d) => d.id));
      expect(Array.from(r.scores)).toEqual(dots.map((d) => Math.fround(d.s)));
    }
  });

  it("accepts subarrays (views with an offset into a larger buffer) for the matrix and the queries", async () => {
    // 30 decoy rows pointing along +x, then 60 data rows, then 2 queries, all in one buffer.
    const dim = 2;
    const all = new Float32Array((30 + 60 + 2) * dim);
    for (let i = 0; i < 30; i++) all.set([100, 0], i * dim);
    for (let i = 0; i < 60; i++) all.set([Math.cos(i / 20), Math.sin(i / 20)], (30 + i) * dim);
    all.set([1, 0, 0, 1], 90 * dim);
    const matrix = all.subarray(30 * dim, 90 * dim);
    const queries = all.subarray(90 * dim);
    const results = await exactHits(matrix, docids(60), queries, 2, { dimensions: dim });
    // Row i points at angle i/20: the closest to +x are rows 0, 1; to +y (angle 1.5708) rows 31, 32.
    expect(results.map((r) => r.ids)).toEqual([
      ["d0", "d1"],
      ["d31", "d32"],
    ]);
    expect(results.map((r) => r.ids)).toEqual(
      (await exactHits(matrix.slice(), docids(60), queries.slice(), 2, { dimensions: dim })).map(
        (r) => r.ids,
      ),
    );
  });

  it("reports mismatched inputs", async () => {
    await expect(exactHits(P, ["a"], P, 1, { dimensions: 4 })).rejects.toThrow(
      "exactSearch: 1 ids but the matrix has 4 rows of 4 dimensions",
    );
    await expect(exactHits(P, IDS, new Float32Array(3), 1, { dimensions: 4 })).rejects.toThrow(
      "dimension mismatch: queries has 3 floats, not a multiple of the index's 4 dimensions",
    );
    await expect(exactHits(P, IDS, P, 1, { dimensions: 4, metric: "hamming" as never })).rejects.toThrow(
      'unknown metric "hamming"; allowed: ip, cos, l2',
    );
  });
});

describe("exactSearch as a Run", () => {
  it("maps query ids to docids to scores, in rank order; row numbers name unnamed rows", async () => {
    const queries = new Float32Array([1, 1, 1, 1, 0, 0, 0, 1]);
    const run = await exactSearch(queries, P, { dimensions: 4, depth: 2, ids: IDS, queryIds: ["q1", "q2"] });
    expect([...run.keys()]).toEqual(["q1", "q2"]);
    expect([...run.get("q1")!]).toEqual([
      ["c", 8],
      ["b", 4],
    ]);
    expect([...run.get("q2")!]).toEqual([
      ["d", 4],
      ["c", 2],
    ]);
    const unnamed = await exactSearch(queries, P, { dimensions: 4, depth: 1 });
    expect([...unnamed].map(([q, scores]) => [q, [...scores.keys()]])).toEqual([
      ["0", ["2"]],
      ["1", ["3"]],
    ]);
  });

  it("gives the same run for every batch size, and ranked rows of a row range", async () => {
    const data = randomMatrix(300, 8, 3);
    const queries = randomMatrix(4, 8, 4);
    const whole = await exactHits(data, docids(300), queries, 7, { dimensions: 8, batchSize: 1_000 });
    for (const batchSize of [1, 7, 64, 299])
      expect(await exactHits(data, docids(300), queries, 7, { dimensions: 8, batchSize })).toEqual(whole);
    const rows = await exactSearch(queries, data, {
      dimensions: 8,
      depth: 7,
      rows: { start: 0 },
      batchSize: 50,
    });
    expect(rows.map((r) => r.rows.map((row) => `d${row}`))).toEqual(whole.map((r) => r.ids));
    const range = await exactSearch(queries, data, {
      dimensions: 8,
      depth: 3,
      rows: { start: 100, end: 200 },
    });
    for (const r of range) for (const row of r.rows) expect(row >= 100 && row < 200).toBe(true);
  });

  it("refuses unknown options, bad row ranges, ids with rows and repeated query ids", async () => {
    await expect(exactSearch(P, P, { dimensions: 4, depth: 1, k: 2 } as never)).rejects.toThrow(
      'exactSearch: unknown option "k"',
    );
    await expect(exactSearch(P, P, { dimensions: 4, depth: 1, rows: { start: 3, end: 9 } })).rejects.toThrow(
      "exactSearch: rows { start: 3, end: 9 } must be integers with 0 ≤ start ≤ end ≤ 4",
    );
    await expect(exactSearch(P, P, { dimensions: 4, depth: 1, rows: {}, ids: IDS } as never)).rejects.toThrow(
      "exactSearch: with rows the result is ranked rows: ids and queryIds do not apply",
    );
    await expect(
      exactSearch(P, P, { dimensions: 4, depth: 1, queryIds: ["a", "b", "a", "c"] }),
    ).rejects.toMatchObject({ code: "duplicate-id", field: "queryIds" });
    await expect(exactSearch(P, P, { dimensions: 4, depth: 1, batchSize: 0 })).rejects.toThrow(
      "batchSize must be a positive integer, got 0",
    );
  });
});

describe("exactSearch progress and abort", () => {
  const data = randomMatrix(250, 4, 5);
  const queries = randomMatrix(2, 4, 6);

  it("reports the passage rows searched after each batch, exactly", async () => {
    const events: unknown[] = [];
    await exactSearch(queries, data, {
      dimensions: 4,
      depth: 3,
      batchSize: 100,
      onProgress: (e) => events.push(e),
    });
    expect(events).toEqual([
      { unit: "rows", task: "search", done: 100, total: 250 },
      { unit: "rows", task: "search", done: 200, total: 250 },
      { unit: "rows", task: "search", done: 250, total: 250 },
    ]);
    const rangeEvents: unknown[] = [];
    await exactSearch(queries, data, {
      dimensions: 4,
      depth: 3,
      rows: { start: 50, end: 150 },
      batchSize: 60,
      onProgress: (e) => rangeEvents.push(e),
    });
    expect(rangeEvents).toEqual([
      { unit: "rows", task: "search", done: 60, total: 100 },
      { unit: "rows", task: "search", done: 100, total: 100 },
    ]);
  });

  it("rejects with AbortError between batches, and before starting when already aborted", async () => {
    const controller = new AbortController();
    const events: number[] = [];
    const search = exactSearch(queries, data, {
      dimensions: 4,
      depth: 3,
      batchSize: 100,
      signal: controller.signal,
      onProgress: (e) => {
        events.push(e.done);
        controller.abort();
      },
    });
    await expect(search).rejects.toMatchObject({ name: "AbortError" });
    expect(events).toEqual([100]);
    await expect(
      exactSearch(queries, data, { dimensions: 4, depth: 3, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: "AbortError" });
  });

  it("lets an abort from a timer land between batches", async () => {
    const controller = new AbortController();
    let blocks = 0;
    async function* slow() {
      for (let start = 0; start < 250; start += 50) {
        blocks++;
        if (blocks === 2) setTimeout(() => controller.abort(), 0);
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield { start, rows: data.subarray(start * 4, (start + 50) * 4) };
      }
    }
    await expect(
      exactSearch(queries, slow(), { dimensions: 4, depth: 3, signal: controller.signal }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(blocks).toBeLessThan(5);
  });
});
