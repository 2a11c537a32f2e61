import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { readIds, writeIds } from "@xqg/core";
import { openNpy, readNpy, writeNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { augment, augmentFiles, createQuerySumAccumulator, sweepAlpha } from "../src/index.js";

const DIM = 3;
const P = Float32Array.from({ length: 5 * DIM }, (_, i) => (i % 7) - 2.5);
const S = Float32Array.from({ length: 5 * DIM }, (_, i) => i * 0.75 - 4);
const IDS = ["p0", "p1", "p2", "p3", "p4"];

async function setUp(dir: string, ids: { p?: string[]; s?: string[] } = { p: IDS, s: IDS }) {
  const passages = join(dir, "p.npy");
  await writeNpy(passages, P, { dimensions: DIM });
  if (ids.p) await writeIds(join(dir, "p.ids"), ids.p);
  const acc = createQuerySumAccumulator({ passages: 5, dim: DIM });
  acc.add({ passageIndex: [0, 1, 2, 3, 4], vectors: S });
  const files = await acc.finish(join(dir, "s.npy"), ids.s ? { ids: ids.s } : {});
  return { passages, sums: files.sums };
}

describe("sweepAlpha", () => {
  it("writes one matrix per α in one pass, each equal to augment() and with P's ids", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir);
      const alphas = [0, 0.01, 0.1, 1];
      const out = await sweepAlpha({
        passages,
        sums,
        alphas,
        out: (a) => join(dir, `aug-${a}.npy`),
        blockRows: 2,
      });
      expect(out.map((o) => [o.alpha, o.rows])).toEqual(alphas.map((a) => [a, 5]));
      for (const alpha of alphas) {
        const written = await readNpy(join(dir, `aug-${alpha}.npy`));
        expect([written.rows, written.dimensions, written.dtype]).toEqual([5, DIM, "float32"]);
        expect(written.data).toEqual(augment(P, S, { dim: DIM, alpha }));
        expect(await readIds(join(dir, `aug-${alpha}.ids`))).toEqual(IDS);
      }
      // α = 0 leaves P as it is; α = 1 replaces it by Σq.
      expect((await readNpy(join(dir, "aug-0.npy"))).data).toEqual(P);
      expect((await readNpy(join(dir, "aug-1.npy"))).data).toEqual(S);
    }));

  it("keeps P's float16 storage unless told otherwise", () =>
    withTempDir(async (dir) => {
      const { sums } = await setUp(dir, {});
      const half = join(dir, "half.npy");
      await writeNpy(half, P, { dimensions: DIM, dtype: "float16" });
      await augmentFiles({ passages: half, sums, out: join(dir, "o16.npy") });
      await augmentFiles({ passages: half, sums, out: join(dir, "o32.npy"), dtype: "float32" });
      const r16 = await openNpy(join(dir, "o16.npy"));
      const r32 = await openNpy(join(dir, "o32.npy"));
      expect([r16.dtype, r32.dtype]).toEqual(["float16", "float32"]);
      await r16.close();
      await r32.close();
    }));
});

describe("input checks", () => {
  it("names the first row where the ids of P and S differ", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir, { p: IDS, s: ["p0", "p1", "pX", "p3", "p4"] });
      await expect(augmentFiles({ passages, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `id order mismatch at row 2: ${join(dir, "p.ids")} has "p2" but ${join(dir, "s.ids")} has "pX"`,
      );
      expect((await readdir(dir)).filter((f) => f.startsWith("o"))).toEqual([]);
    }));

  it("reports an ids file that ends early, and one sidecar without the other", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir);
      await writeIds(join(dir, "s.ids"), IDS.slice(0, 4));
      await expect(augmentFiles({ passages, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `id order mismatch at row 4: ${join(dir, "p.ids")} has "p4" but ${join(dir, "s.ids")} has nothing (file ended)`,
      );
      await rm(join(dir, "s.ids"));
      await expect(augmentFiles({ passages, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `${join(dir, "p.ids")} exists but ${join(dir, "s.ids")} does not`,
      );
    }));

  it("refuses a row-count or dimension mismatch", () =>
    withTempDir(async (dir) => {
      const { sums } = await setUp(dir, {});
      const short = join(dir, "short.npy");
      await writeNpy(short, P.subarray(0, 4 * DIM), { dimensions: DIM });
      await expect(augmentFiles({ passages: short, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `row count mismatch: ${short} has 4 rows but ${sums} has 5`,
      );
      const wide = join(dir, "wide.npy");
      await writeNpy(wide, new Float32Array(5 * 4), { dimensions: 4 });
      await expect(augmentFiles({ passages: wide, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `dimension mismatch: ${wide} has dim 4 but ${sums} has dim 3`,
      );
    }));

  it("rejects unknown options with the allowed values", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir, {});
      await expect(
        augmentFiles({ passages, sums, out: join(dir, "o.npy"), reduce: "max" as never }),
      ).rejects.toThrow('unknown reduce "max"; allowed: sum, mean');
      await expect(
        augmentFiles({ passages, sums, out: join(dir, "o.npy"), languages: ["ar"] }),
      ).rejects.toThrow('no per-language sums for "ar" (have: none)');
      await expect(
        augmentFiles({ passages, sums, out: join(dir, "o.npy"), languages: ["xx" as never] }),
      ).rejects.toThrow('unknown language "xx"; allowed: ar, bn, fi, ja, ko, ru, te');
      await expect(
        sweepAlpha({ passages, sums, alphas: [0.1, 0.2], out: () => join(dir, "same.npy") }),
      ).rejects.toThrow("out(alpha) must give a different path for every alpha");
    }));
});

describe("accumulator", () => {
  it("writes Σq, counts per language, the manifest and ids", () =>
    withTempDir(async (dir) => {
      const acc = createQuerySumAccumulator({ passages: 2, dim: 2, languages: ["ja", "ar"] });
      expect(acc.languages).toEqual(["ar", "ja"]);
      acc.add({ passageIndex: Int32Array.of(1, 1), vectors: Float32Array.of(1, 2, 3, 4), lang: "ja" });
      acc.add({ passageIndex: [0], vectors: Float32Array.of(0.5, 0.5), lang: "ar" });
      const files = await acc.finish(join(dir, "sq.npy"), { ids: ["a", "b"] });
      expect(files).toEqual({
        sums: join(dir, "sq.npy"),
        counts: join(dir, "sq.counts.npy"),
        languageSums: { ar: join(dir, "sq.ar.npy"), ja: join(dir, "sq.ja.npy") },
        manifest: join(dir, "sq.sums.json"),
        ids: join(dir, "sq.ids"),
      });
      expect((await readNpy(files.sums)).data).toEqual(Float32Array.of(0.5, 0.5, 4, 6));
      expect((await readNpy(files.languageSums.ja!)).data).toEqual(Float32Array.of(0, 0, 4, 6));
      const counts = await readNpy(files.counts);
      expect([counts.rows, counts.dimensions, Array.from(counts.data)]).toEqual([2, 3, [1, 1, 0, 2, 0, 2]]);
      expect(JSON.parse(await readFile(files.manifest, "utf8"))).toEqual({
        format: "xqg-query-sums",
        version: 1,
        passages: 2,
        dim: 2,
        queries: 3,
        languages: ["ar", "ja"],
      });
      expect(await readIds(files.ids)).toEqual(["a", "b"]);
      expect(() => acc.add({ passageIndex: [0], vectors: Float32Array.of(1, 1), lang: "ar" })).toThrow(
        "add after finish",
      );
    }));

  it("checks blocks", () => {
    const acc = createQuerySumAccumulator({ passages: 2, dim: 2, languages: ["ar"] });
    expect(() => acc.add({ passageIndex: [0], vectors: Float32Array.of(1, 2) })).toThrow(
      "block.lang is required: this accumulator keeps ar apart",
    );
    expect(() => acc.add({ passageIndex: [0], vectors: Float32Array.of(1, 2), lang: "xx" as "ar" })).toThrow(
      'unknown language "xx"',
    );
    expect(() => acc.add({ passageIndex: [2], vectors: Float32Array.of(1, 2), lang: "ar" })).toThrow(
      "block row 0: passage index 2 is outside 0..1",
    );
    expect(() => acc.add({ passageIndex: [0, 1], vectors: Float32Array.of(1, 2), lang: "ar" })).toThrow(
      "block has 2 passage indexes but 1 vectors of dim 2 (2 floats)",
    );
    expect(acc.queries).toBe(0);
  });

  it("adds a language it does not keep apart to the total only", () => {
    const acc = createQuerySumAccumulator({ passages: 2, dim: 2, languages: ["ar"] });
    acc.add({ passageIndex: [0], vectors: Float32Array.of(1, 2), lang: "bn" });
    acc.add({ passageIndex: [0, 1], vectors: Float32Array.of(3, 4, 5, 6), lang: "ar" });
    expect(Array.from(acc.sums())).toEqual([4, 6, 5, 6]);
    expect(Array.from(acc.counts())).toEqual([2, 1]);
    expect(acc.queries).toBe(3);
  });
});

describe("augment", () => {
  it("returns a new array and leaves its inputs alone", () => {
    const p = P.slice();
    const s = S.slice();
    const out = augment(p, s, { dim: DIM, alpha: 0.3, renormalize: true });
    expect(out).not.toBe(p);
    expect(p).toEqual(P);
    expect(s).toEqual(S);
  });

  it("checks its inputs", () => {
    expect(() => augment(P, S.subarray(3), { dim: DIM })).toThrow("p has 5 rows but sumQ has 4");
    expect(() => augment(P, S, { dim: DIM, reduce: "mean" })).toThrow(
      'reduce "mean" needs counts (queries per passage)',
    );
    expect(() => augment(P, S, { dim: 4 })).toThrow("p has 15 floats, not a multiple of dim 4");
    expect(() => augment(P, S, { dim: DIM, alpha: Number.NaN })).toThrow(
      "alpha must be a finite number, got null",
    );
  });
});
