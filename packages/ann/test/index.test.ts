import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { exactSearch, Index } from "../src/index.js";
import { docids, randomMatrix } from "./random.js";

// Four passages in 4 dimensions with small integer components, so dot products are exact in float32.
const P = new Float32Array([1, 0, 2, 0, 0, 3, 0, 1, 2, 2, 2, 2, -1, 0, 0, 4]);
const IDS = ["a", "b", "c", "d"];
const Q = new Float32Array([1, 1, 1, 1]);
// Dot products of Q with a..d: 3, 4, 8, 3.

describe("Index (HNSW over usearch)", () => {
  it("defaults to inner product over float32, and scores are dot products (higher is better)", () => {
    const index = Index.create({ dimensions: 4 });
    expect([index.metric, index.dtype]).toEqual(["ip", "f32"]);
    index.add(IDS, P);
    const hit = index.search(Q, 4);
    expect(hit.ids).toEqual(["c", "b", expect.any(String), expect.any(String)]);
    expect(Array.from(hit.scores)).toEqual([8, 4, 3, 3]);
    expect(hit.ids.slice(2).sort()).toEqual(["a", "d"]);
  });

  it("f16 stores these small integers exactly", () => {
    const index = Index.create({ dimensions: 4, dtype: "f16" });
    index.add(IDS, P);
    expect(Array.from(index.search(Q, 2).scores)).toEqual([8, 4]);
  });

  it("cos scores are cosine similarities and l2 scores are negated squared distances", () => {
    const cos = Index.create({ dimensions: 4, metric: "cos" });
    cos.add(IDS, P);
    const c = cos.search(Q, 1);
    expect(c.ids).toEqual(["c"]);
    expect(c.scores[0]).toBeCloseTo(1, 6);
    const l2 = Index.create({ dimensions: 4, metric: "l2" });
    l2.add(IDS, P);
    const e = l2.search(Q, 2);
    // |Q - c|² = 4, |Q - a|² = 0 + 1 + 1 + 1 = 3
    expect(e.ids).toEqual(["a", "c"]);
    expect(Array.from(e.scores)).toEqual([-3, -4]);
  });

  it("i8 ranks by direction: its scores approximate the cosine of the unit-length rows", () => {
    const index = Index.create({ dimensions: 4, dtype: "i8" });
    index.add(IDS, P);
    const hit = index.search(Q, 4);
    expect(hit.ids[0]).toBe("c");
    expect(hit.scores[0]).toBeCloseTo(1, 1);
  });

  it("finds the exact neighbours on a small random set, and searchBatch equals per-query search", () => {
    const n = 2000;
    const dim = 16;
    const data = randomMatrix(n, dim, 7);
    const queries = randomMatrix(20, dim, 8);
    const ids = docids(n);
    const index = Index.create({ dimensions: dim, expansionAdd: 200, expansionSearch: 200 });
    index.add(ids, data, { threads: 1 });
    expect(index.size).toBe(n);
    const batch = index.searchBatch(queries, 10, { threads: 2 });
    const truth = exactSearch(data, ids, queries, 10, { dimensions: dim });
    expect(batch.map((r) => r.ids)).toEqual(truth.map((r) => r.ids));
    for (let q = 0; q < 20; q++) {
      expect(index.search(queries.subarray(q * dim, (q + 1) * dim), 10)).toEqual(batch[q]);
      for (let i = 0; i < 10; i++) expect(batch[q]!.scores[i]).toBeCloseTo(truth[q]!.scores[i]!, 5);
    }
  });

  it("searchBatch handles one row, an empty index and k larger than the index", () => {
    const index = Index.create({ dimensions: 4 });
    expect(index.searchBatch(new Float32Array(8), 3)).toEqual([
      { ids: [], scores: new Float32Array(0) },
      { ids: [], scores: new Float32Array(0) },
    ]);
    index.add(IDS, P);
    const [one] = index.searchBatch(Q, 10);
    expect(one!.ids).toHaveLength(4);
    expect(Array.from(one!.scores)).toEqual([8, 4, 3, 3]);
  });

  it("adds in several batches and keeps ids", () => {
    const index = Index.create({ dimensions: 4 });
    index.add(IDS.slice(0, 2), P.subarray(0, 8));
    index.add(IDS.slice(2), P.subarray(8));
    expect(index.ids()).toEqual(IDS);
    expect(index.has("c")).toBe(true);
    expect(index.search(Q, 1).ids).toEqual(["c"]);
  });
});

describe("Index errors", () => {
  const index = () => {
    const i = Index.create({ dimensions: 4 });
    i.add(IDS, P);
    return i;
  };

  it("rejects unknown metrics and dtypes, listing the allowed values", () => {
    expect(() => Index.create({ dimensions: 4, metric: "dot" as never })).toThrow(
      'unknown metric "dot"; allowed: ip, cos, l2',
    );
    expect(() => Index.create({ dimensions: 4, dtype: "bf16" as never })).toThrow(
      'unknown dtype "bf16"; allowed: f32, f16, i8',
    );
    expect(() => Index.create({ dimensions: 0 })).toThrow("dimensions must be a positive integer, got 0");
  });

  it("reports dimension mismatches", () => {
    expect(() => index().search(new Float32Array(3), 1)).toThrow(
      "dimension mismatch: query has 3 floats, the index has 4 dimensions",
    );
    expect(() => index().searchBatch(new Float32Array(6), 1)).toThrow(
      "dimension mismatch: queries has 6 floats, not a multiple of the index's 4 dimensions",
    );
    expect(() => Index.create({ dimensions: 4 }).add(["x"], new Float32Array(8))).toThrow(
      "add: 1 ids but 2 vectors of 4 dimensions",
    );
  });

  it("rejects duplicate ids within a batch and against the index, adding nothing", () => {
    expect(() => Index.create({ dimensions: 4 }).add(["a", "b", "a", "c"], P)).toThrow(
      'duplicate id "a" at positions 0 and 2 of the same batch',
    );
    const i = index();
    expect(() => i.add(["e", "b"], P.subarray(0, 8))).toThrow(
      'duplicate id "b" at position 1: already in the index (row 1)',
    );
    expect(i.size).toBe(4);
    expect(() => i.add(["x\ny"], P.subarray(0, 4))).toThrow(
      "id at position 0 must be a non-empty string without line breaks",
    );
  });

  it("rejects a bad k", () => {
    expect(() => index().search(Q, 0)).toThrow("k must be a positive integer, got 0");
  });
});

describe("save, load and view", () => {
  it("round-trips through three files, atomically, and reopens with the same results", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "passages.usearch");
      const built = Index.create({ dimensions: 4, dtype: "f16" });
      built.add(IDS, P);
      await built.save(path);
      expect((await readdir(dir)).sort()).toEqual([
        "passages.usearch",
        "passages.usearch.ids",
        "passages.usearch.json",
      ]);
      expect(await readFile(`${path}.ids`, "utf8")).toBe("a\nb\nc\nd\n");
      expect(JSON.parse(await readFile(`${path}.json`, "utf8"))).toEqual({
        format: "xqg-ann-index",
        version: 1,
        metric: "ip",
        dtype: "f16",
        dimensions: 4,
        count: 4,
        connectivity: 16,
      });
      const expected = built.search(Q, 3);
      const loaded = await Index.load(path);
      expect([loaded.metric, loaded.dtype, loaded.dimensions, loaded.size]).toEqual(["ip", "f16", 4, 4]);
      expect(loaded.search(Q, 3)).toEqual(expected);
      loaded.add(["e"], new Float32Array([5, 5, 5, 5]));
      expect(loaded.search(Q, 1)).toEqual({ ids: ["e"], scores: new Float32Array([20]) });

      const view = await Index.view(path);
      expect(view.search(Q, 3)).toEqual(expected);
      expect("add" in view).toBe(false);
      expect("save" in view).toBe(false);
    }));

  it("refuses a file that is not an index, and files that disagree with their manifest", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "x.usearch");
      await writeFile(path, "not an index at all");
      await expect(Index.load(path)).rejects.toThrow(
        `${path} is not an @xqg/ann index: manifest ${path}.json: file not found`,
      );
      const built = Index.create({ dimensions: 4 });
      built.add(IDS, P);
      await built.save(path);
      const manifest = JSON.parse(await readFile(`${path}.json`, "utf8"));
      await writeFile(`${path}.json`, JSON.stringify({ ...manifest, dtype: "i8" }));
      await expect(Index.view(path)).rejects.toThrow(
        `${path}: dtype in the index file is code 11 but its manifest ${path}.json says i8`,
      );
      await writeFile(`${path}.json`, JSON.stringify({ ...manifest, dimensions: 8 }));
      await expect(Index.load(path)).rejects.toThrow("dimensions in the index file is 4 but its manifest");
      await writeFile(`${path}.json`, JSON.stringify({ ...manifest, metric: "dot" }));
      await expect(Index.load(path)).rejects.toThrow(
        `${path}.json: field "metric": unknown metric "dot"; allowed: ip, cos, l2`,
      );
      await writeFile(`${path}.json`, JSON.stringify(manifest));
      await writeFile(path, Buffer.alloc(100, 7));
      await expect(Index.load(path)).rejects.toThrow(
        `${path} is not a usearch index file (no usearch header)`,
      );
    }));

  it("leaves nothing behind when saving fails", () =>
    withTempDir(async (dir) => {
      const built = Index.create({ dimensions: 4 });
      built.add(IDS, P);
      await expect(built.save(join(dir, "missing", "x.usearch"))).rejects.toThrow();
      expect(await readdir(dir)).toEqual([]);
    }));
});
