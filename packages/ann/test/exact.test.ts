import { describe, expect, it } from "vitest";
import { exactSearch, FlatIndex } from "../src/index.js";
import { docids, randomMatrix } from "./random.js";

const P = new Float32Array([1, 0, 2, 0, 0, 3, 0, 1, 2, 2, 2, 2, -1, 0, 0, 4]);
const IDS = ["a", "b", "c", "d"];

describe("exactSearch", () => {
  it("ranks by inner product by default, with exact dot-product scores", () => {
    const [r] = exactSearch(P, IDS, new Float32Array([1, 1, 1, 1]), 4, { dimensions: 4 });
    // dots: a 3, b 4, c 8, d 3; the a/d tie is broken by row order.
    expect(r).toEqual({ ids: ["c", "b", "a", "d"], scores: new Float32Array([8, 4, 3, 3]) });
  });

  it("supports cos and l2 with higher-is-better scores", () => {
    const q = new Float32Array([1, 1, 1, 1]);
    const [cos] = exactSearch(P, IDS, q, 2, { dimensions: 4, metric: "cos" });
    // cos(q, a) = 3 / √(5·4) beats cos(q, b) = 4 / √(10·4)
    expect(cos!.ids).toEqual(["c", "a"]);
    expect(Array.from(cos!.scores)).toEqual([1, Math.fround(3 / Math.sqrt(20))]);
    const [l2] = exactSearch(P, IDS, q, 4, { dimensions: 4, metric: "l2" });
    // |q-a|² = 3, |q-b|² = 1+4+1+0 = 6, |q-c|² = 4, |q-d|² = 4+1+1+9 = 15
    expect(l2).toEqual({ ids: ["a", "c", "b", "d"], scores: new Float32Array([-3, -4, -6, -15]) });
  });

  it("breaks ties by row order, also when the tie runs past the candidates usearch returned", () => {
    const dim = 3;
    const n = 60;
    const rows = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) rows.set(i === 41 ? [2, 0, 0] : [1, 0, 0], i * dim);
    const ids = docids(n);
    const [r] = exactSearch(rows, ids, new Float32Array([1, 0, 0]), 5, { dimensions: dim, threads: 2 });
    expect(r!.ids).toEqual(["d41", "d0", "d1", "d2", "d3"]);
    expect(Array.from(r!.scores)).toEqual([2, 1, 1, 1, 1]);
  });

  it("returns every row when k exceeds the matrix, and one result per query", () => {
    const data = randomMatrix(50, 8, 1);
    const queries = randomMatrix(3, 8, 2);
    const results = exactSearch(data, docids(50), queries, 80, { dimensions: 8 });
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

  it("accepts subarrays (views with an offset into a larger buffer) for the matrix and the queries", () => {
    // 30 decoy rows pointing along +x, then 60 data rows, then 2 queries, all in one buffer.
    const dim = 2;
    const all = new Float32Array((30 + 60 + 2) * dim);
    for (let i = 0; i < 30; i++) all.set([100, 0], i * dim);
    for (let i = 0; i < 60; i++) all.set([Math.cos(i / 20), Math.sin(i / 20)], (30 + i) * dim);
    all.set([1, 0, 0, 1], 90 * dim);
    const matrix = all.subarray(30 * dim, 90 * dim);
    const queries = all.subarray(90 * dim);
    const results = exactSearch(matrix, docids(60), queries, 2, { dimensions: dim });
    // Row i points at angle i/20: the closest to +x are rows 0, 1; to +y (angle 1.5708) rows 31, 32.
    expect(results.map((r) => r.ids)).toEqual([
      ["d0", "d1"],
      ["d31", "d32"],
    ]);
    expect(results.map((r) => r.ids)).toEqual(
      exactSearch(matrix.slice(), docids(60), queries.slice(), 2, { dimensions: dim }).map((r) => r.ids),
    );
  });

  it("reports mismatched inputs", () => {
    expect(() => exactSearch(P, ["a"], P, 1, { dimensions: 4 })).toThrow(
      "exactSearch: 1 ids but the matrix has 4 rows of 4 dimensions",
    );
    expect(() => exactSearch(P, IDS, new Float32Array(3), 1, { dimensions: 4 })).toThrow(
      "dimension mismatch: queries has 3 floats, not a multiple of the index's 4 dimensions",
    );
    expect(() => exactSearch(P, IDS, P, 1, { dimensions: 4, metric: "hamming" as never })).toThrow(
      'unknown metric "hamming"; allowed: ip, cos, l2',
    );
  });
});

describe("FlatIndex", () => {
  it("has the Index interface and matches exactSearch", () => {
    const flat = FlatIndex.create({ dimensions: 4 });
    flat.add(IDS.slice(0, 1), P.subarray(0, 4));
    flat.add(IDS.slice(1), P.subarray(4));
    expect(flat.size).toBe(4);
    const q = new Float32Array([1, 1, 1, 1]);
    expect(flat.search(q, 2)).toEqual({ ids: ["c", "b"], scores: new Float32Array([8, 4]) });
    expect(flat.searchBatch(new Float32Array([1, 1, 1, 1, 0, 0, 0, 1]), 1).map((r) => r.ids)).toEqual([
      ["c"],
      ["d"],
    ]);
    expect(() => flat.add(["a"], P.subarray(0, 4))).toThrow(
      'duplicate id "a" at position 0: already in the index (row 0)',
    );
    expect(FlatIndex.create({ dimensions: 4 }).search(q, 3)).toEqual({
      ids: [],
      scores: new Float32Array(0),
    });
  });
});
