import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { ANN_OPTIONS, Index } from "../src/index.js";
import { exactHits, hitsOf, hitsOfRun } from "./hits.js";
import { docids, randomMatrix } from "./random.js";

// Four passages in 4 dimensions with small integer components, so dot products are exact in float32.
const P = new Float32Array([1, 0, 2, 0, 0, 3, 0, 1, 2, 2, 2, 2, -1, 0, 0, 4]);
const IDS = ["a", "b", "c", "d"];
const Q = new Float32Array([1, 1, 1, 1]);
// Dot products of Q with a..d: 3, 4, 8, 3.

describe("Index (HNSW over usearch)", async () => {
  it("defaults to inner product over float32, and scores are dot products (higher is better)", async () => {
    const index = Index.create({ dimensions: 4 });
    expect([index.metric, index.dtype]).toEqual(["ip", "float32"]);
    await index.add(IDS, P);
    const hit = hitsOf(index.search(Q, 4));
    expect(hit.ids).toEqual(["c", "b", expect.any(String), expect.any(String)]);
    expect(Array.from(hit.scores)).toEqual([8, 4, 3, 3]);
    expect(hit.ids.slice(2).sort()).toEqual(["a", "d"]);
  });

  it("float16 stores these small integers exactly", async () => {
    const index = Index.create({ dimensions: 4, dtype: "float16" });
    await index.add(IDS, P);
    expect(Array.from(hitsOf(index.search(Q, 2)).scores)).toEqual([8, 4]);
  });

  it("cos scores are cosine similarities and l2 scores are negated squared distances", async () => {
    const cos = Index.create({ dimensions: 4, metric: "cos" });
    await cos.add(IDS, P);
    const c = hitsOf(cos.search(Q, 1));
    expect(c.ids).toEqual(["c"]);
    expect(c.scores[0]).toBeCloseTo(1, 6);
    const l2 = Index.create({ dimensions: 4, metric: "l2" });
    await l2.add(IDS, P);
    const e = hitsOf(l2.search(Q, 2));
    // |Q - c|² = 4, |Q - a|² = 0 + 1 + 1 + 1 = 3
    expect(e.ids).toEqual(["a", "c"]);
    expect(Array.from(e.scores)).toEqual([-3, -4]);
  });

  it("int8 ranks by direction: its scores approximate the cosine of the unit-length rows", async () => {
    const index = Index.create({ dimensions: 4, dtype: "int8" });
    await index.add(IDS, P);
    const hit = hitsOf(index.search(Q, 4));
    expect(hit.ids[0]).toBe("c");
    expect(hit.scores[0]).toBeCloseTo(1, 1);
  });

  it("finds the exact neighbours on a small random set, and searchBatch equals per-query search", async () => {
    const n = 2000;
    const dim = 16;
    const data = randomMatrix(n, dim, 7);
    const queries = randomMatrix(20, dim, 8);
    const ids = docids(n);
    const index = Index.create({ dimensions: dim, expansionAdd: 200, expansionSearch: 200 });
    await index.add(ids, data, { threads: 1 });
    expect(index.size).toBe(n);
    const batch = hitsOfRun(await index.searchBatch(queries, 10, { threads: 2 }));
    const truth = await exactHits(data, ids, queries, 10, { dimensions: dim });
    expect(batch.map((r) => r.ids)).toEqual(truth.map((r) => r.ids));
    for (let q = 0; q < 20; q++) {
      expect(hitsOf(index.search(queries.subarray(q * dim, (q + 1) * dim), 10))).toEqual(batch[q]);
      for (let i = 0; i < 10; i++) expect(batch[q]!.scores[i]).toBeCloseTo(truth[q]!.scores[i]!, 5);
    }
  });

  it("searchBatch handles one row, an empty index and k larger than the index", async () => {
    const index = Index.create({ dimensions: 4 });
    expect(hitsOfRun(await index.searchBatch(new Float32Array(8), 3))).toEqual([
      { ids: [], scores: new Float32Array(0) },
      { ids: [], scores: new Float32Array(0) },
    ]);
    await index.add(IDS, P);
    const [one] = hitsOfRun(await index.searchBatch(Q, 10));
    expect(one!.ids).toHaveLength(4);
    expect(Array.from(one!.scores)).toEqual([8, 4, 3, 3]);
  });

  it("adds in several batches and keeps ids", async () => {
    const index = Index.create({ dimensions: 4 });
    await index.add(IDS.slice(0, 2), P.subarray(0, 8));
    await index.add(IDS.slice(2), P.subarray(8));
    expect(index.ids()).toEqual(IDS);
    expect(index.has("c")).toBe(true);
    expect(hitsOf(index.search(Q, 1)).ids).toEqual(["c"]);
  });
});

describe("Index errors", () => {
  const index = async () => {
    const i = Index.create({ dimensions: 4 });
    await i.add(IDS, P);
    return i;
  };

  it("rejects unknown metrics and dtypes, listing the allowed values, and names renamed dtypes", () => {
    expect(() => Index.create({ dimensions: 4, metric: "dot" as never })).toThrow(
      'unknown metric "dot"; allowed: ip, cos, l2',
    );
    expect(() => Index.create({ dimensions: 4, dtype: "bf16" as never })).toThrow(
      'unknown dtype "bf16"; allowed: float32, float16, int8',
    );
    expect(() => Index.create({ dimensions: 4, dtype: "f16" as never })).toThrow(
      'dtype "f16" was renamed to "float16"',
    );
    expect(() => Index.create({ dimensions: 0 })).toThrow("dimensions must be a positive integer, got 0");
    expect(() => Index.create({ dimensions: 4, dim: 4 } as never)).toThrow(
      'Index.create: unknown option "dim"',
    );
  });

  it("refuses a connectivity past 1024 before usearch reserves it (1e8 failed to allocate, uncaught)", async () => {
    expect(() => Index.create({ dimensions: 4, connectivity: 100_000_000 })).toThrow(
      expect.objectContaining({
        code: "invalid-option",
        field: "connectivity",
        message:
          "connectivity must be at most 1024 (each vector keeps 2 × connectivity neighbour slots; usearch's " +
          "default is 16), got 100000000",
      }),
    );
    const widest = Index.create({ dimensions: 4, connectivity: ANN_OPTIONS.maxConnectivity });
    await widest.add(IDS, P);
    expect(widest.size).toBe(IDS.length);
  });

  it("reports dimension mismatches", async () => {
    const i = await index();
    expect(() => i.search(new Float32Array(3), 1)).toThrow(
      "dimension mismatch: query has 3 floats, the index has 4 dimensions",
    );
    await expect(i.searchBatch(new Float32Array(6), 1)).rejects.toThrow(
      "dimension mismatch: queries has 6 floats, not a multiple of the index's 4 dimensions",
    );
    await expect(Index.create({ dimensions: 4 }).add(["x"], new Float32Array(8))).rejects.toThrow(
      "add: 1 ids but 2 vectors of 4 dimensions",
    );
  });

  it("rejects duplicate ids within a batch and against the index, adding nothing", async () => {
    await expect(Index.create({ dimensions: 4 }).add(["a", "b", "a", "c"], P)).rejects.toThrow(
      'duplicate id "a" at positions 0 and 2 of the same batch',
    );
    const i = await index();
    await expect(i.add(["e", "b"], P.subarray(0, 8))).rejects.toThrow(
      'duplicate id "b" at position 1: already in the index (row 1)',
    );
    expect(i.size).toBe(4);
    await expect(i.add(["x\ny"], P.subarray(0, 4))).rejects.toThrow(
      "id at position 0 must be a non-empty string without line breaks",
    );
  });

  it("rejects a bad depth and unknown options", async () => {
    const i = await index();
    expect(() => i.search(Q, 0)).toThrow("depth must be a positive integer, got 0");
    await expect(i.searchBatch(Q, 1, { blockSize: 2 } as never)).rejects.toThrow(
      'searchBatch: unknown option "blockSize"',
    );
    await expect(i.add(["z"], Q, { chunk: 2 } as never)).rejects.toThrow('add: unknown option "chunk"');
  });
});

describe("Index.searchBatch as a Run", () => {
  it("names the queries, reports progress per batch and stops on abort", async () => {
    const index = Index.create({ dimensions: 4 });
    await index.add(IDS, P);
    const queries = new Float32Array([...Q, 0, 0, 0, 1, 1, 0, 0, 0]);
    const events: unknown[] = [];
    const run = await index.searchBatch(queries, 1, {
      queryIds: ["q1", "q2", "q3"],
      batchSize: 2,
      onProgress: (e) => events.push(e),
    });
    expect([...run].map(([q, scores]) => [q, [...scores]])).toEqual([
      ["q1", [["c", 8]]],
      ["q2", [["d", 4]]],
      ["q3", [["c", 2]]],
    ]);
    expect(events).toEqual([
      { unit: "rows", task: "search", done: 2, total: 3 },
      { unit: "rows", task: "search", done: 3, total: 3 },
    ]);
    const controller = new AbortController();
    await expect(
      index.searchBatch(queries, 1, {
        batchSize: 1,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
    await expect(index.searchBatch(queries, 1, { queryIds: ["a", "a", "b"] })).rejects.toMatchObject({
      code: "duplicate-id",
    });
  });
});

describe("Index.add as a long call", () => {
  it("reports the vectors added after each batch, exactly", async () => {
    const data = randomMatrix(250, 4, 9);
    const index = Index.create({ dimensions: 4 });
    const events: unknown[] = [];
    await index.add(docids(250), data, { batchSize: 100, onProgress: (e) => events.push(e) });
    expect(events).toEqual([
      { unit: "rows", task: "index", done: 100, total: 250 },
      { unit: "rows", task: "index", done: 200, total: 250 },
      { unit: "rows", task: "index", done: 250, total: 250 },
    ]);
    expect(index.size).toBe(250);
  });

  it("rejects with AbortError between batches, keeping exactly the batches it finished", async () => {
    const data = randomMatrix(250, 4, 10);
    const index = Index.create({ dimensions: 4 });
    const controller = new AbortController();
    const add = index.add(docids(250), data, {
      batchSize: 100,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(add).rejects.toMatchObject({ name: "AbortError" });
    expect(index.size).toBe(100);
    expect(index.ids()).toEqual(docids(100));
    expect(index.has("d100")).toBe(false);
    // the rest can be added afterwards
    await index.add(docids(250).slice(100), data.subarray(400));
    expect(index.size).toBe(250);
    await expect(
      index.add(["x"], new Float32Array(4), { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(index.has("x")).toBe(false);
  });

  it("saves nothing when the build is aborted before save", () =>
    withTempDir(async (dir) => {
      const index = Index.create({ dimensions: 4 });
      const controller = new AbortController();
      controller.abort();
      await expect(index.add(IDS, P, { signal: controller.signal })).rejects.toMatchObject({
        name: "AbortError",
      });
      expect(await readdir(dir)).toEqual([]);
    }));
});

describe("save, load and view", async () => {
  it("round-trips through three files, atomically, and reopens with the same results", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "passages.usearch");
      const built = Index.create({ dimensions: 4, dtype: "float16" });
      await built.add(IDS, P);
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
        dtype: "float16",
        dimensions: 4,
        count: 4,
        connectivity: 16,
      });
      const expected = hitsOf(built.search(Q, 3));
      const loaded = await Index.load(path);
      expect([loaded.metric, loaded.dtype, loaded.dimensions, loaded.size]).toEqual(["ip", "float16", 4, 4]);
      expect(hitsOf(loaded.search(Q, 3))).toEqual(expected);
      await loaded.add(["e"], new Float32Array([5, 5, 5, 5]));
      expect(hitsOf(loaded.search(Q, 1))).toEqual({ ids: ["e"], scores: new Float32Array([20]) });

      const view = await Index.view(path);
      expect(hitsOf(view.search(Q, 3))).toEqual(expected);
      expect("add" in view).toBe(false);
      expect("save" in view).toBe(false);
    }));

  it("loads an index saved before the dtype rename (its manifest says f16)", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "old.usearch");
      const built = Index.create({ dimensions: 4, dtype: "float16" });
      await built.add(IDS, P);
      await built.save(path);
      const manifest = JSON.parse(await readFile(`${path}.json`, "utf8"));
      await writeFile(`${path}.json`, JSON.stringify({ ...manifest, dtype: "f16" }));
      const loaded = await Index.load(path);
      expect(loaded.dtype).toBe("float16");
      expect(hitsOf(loaded.search(Q, 2))).toEqual(hitsOf(built.search(Q, 2)));
      expect((await Index.view(path)).dtype).toBe("float16");
    }));

  it("refuses a file that is not an index, and files that disagree with their manifest", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "x.usearch");
      await writeFile(path, "not an index at all");
      await expect(Index.load(path)).rejects.toThrow(
        `${path} is not an @xqg/ann index: manifest ${path}.json: file not found`,
      );
      const built = Index.create({ dimensions: 4 });
      await built.add(IDS, P);
      await built.save(path);
      const manifest = JSON.parse(await readFile(`${path}.json`, "utf8"));
      await writeFile(`${path}.json`, JSON.stringify({ ...manifest, dtype: "int8" }));
      await expect(Index.view(path)).rejects.toThrow(
        `${path}: dtype in the index file is code 11 but its manifest ${path}.json says int8`,
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
      await built.add(IDS, P);
      await expect(built.save(join(dir, "missing", "x.usearch"))).rejects.toThrow();
      expect(await readdir(dir)).toEqual([]);
    }));
});
