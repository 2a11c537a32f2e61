import { existsSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ProgressEvent } from "@xqg/core";
import { readIds, writeIds } from "@xqg/core";
import { openNpy, readNpy, writeNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { FUSION_DEFAULTS, fuse } from "../src/index.js";
import { oneQueryEach, writeSums } from "./helpers.js";

const DIM = 3;
const P = Float32Array.from({ length: 5 * DIM }, (_, i) => (i % 7) - 2.5);
const S = Float32Array.from({ length: 5 * DIM }, (_, i) => i * 0.75 - 4);
const IDS = ["p0", "p1", "p2", "p3", "p4"];

async function setUp(dir: string, ids: { p?: string[]; s?: string[] } = { p: IDS, s: IDS }) {
  const passages = join(dir, "p.npy");
  await writeNpy(passages, P, { dimensions: DIM });
  if (ids.p) await writeIds(join(dir, "p.ids"), ids.p);
  const files = await writeSums(join(dir, "s.npy"), oneQueryEach(S, DIM), {
    dimensions: DIM,
    ids: ids.s ?? false,
  });
  return { passages, sums: files.sums };
}

const inMemory = (alpha: number) => fuse({ passages: P, sums: S, dimensions: DIM, alpha });

describe("fuse on files", () => {
  it("writes one matrix per α in one pass, each equal to the in-memory result and with P's ids", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir);
      const alphas = [0, 0.01, 0.1, 1];
      const out = await fuse({ passages, sums, alphas, out: (a) => join(dir, `aug-${a}.npy`), batchSize: 2 });
      expect(out.map((o) => [o.alpha, o.rows])).toEqual(alphas.map((a) => [a, 5]));
      for (const alpha of alphas) {
        const written = await readNpy(join(dir, `aug-${alpha}.npy`));
        expect([written.rows, written.dimensions, written.dtype]).toEqual([5, DIM, "float32"]);
        expect(written.data).toEqual(inMemory(alpha));
        expect(await readIds(join(dir, `aug-${alpha}.ids`))).toEqual(IDS);
      }
      // α = 0 leaves P as it is; α = 1 replaces it by Σq.
      expect((await readNpy(join(dir, "aug-0.npy"))).data).toEqual(P);
      expect((await readNpy(join(dir, "aug-1.npy"))).data).toEqual(S);
    }));

  it("one α (default 0.01) writes one matrix at a path", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir);
      const written = await fuse({ passages, sums, out: join(dir, "o.npy") });
      expect(written).toEqual({ alpha: FUSION_DEFAULTS.alpha, path: join(dir, "o.npy"), rows: 5 });
      expect((await readNpy(join(dir, "o.npy"))).data).toEqual(inMemory(0.01));
    }));

  it("keeps P's float16 storage unless told otherwise", () =>
    withTempDir(async (dir) => {
      const { sums } = await setUp(dir, {});
      const half = join(dir, "half.npy");
      await writeNpy(half, P, { dimensions: DIM, dtype: "float16" });
      await fuse({ passages: half, sums, out: join(dir, "o16.npy") });
      await fuse({ passages: half, sums, out: join(dir, "o32.npy"), dtype: "float32" });
      const r16 = await openNpy(join(dir, "o16.npy"));
      const r32 = await openNpy(join(dir, "o32.npy"));
      expect([r16.dtype, r32.dtype]).toEqual(["float16", "float32"]);
      await r16.close();
      await r32.close();
    }));

  it("reports rows after each block, task fuse", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir);
      const events: ProgressEvent[] = [];
      await fuse({
        passages,
        sums,
        alphas: [0.1, 0.2],
        out: (a) => join(dir, `o-${a}.npy`),
        batchSize: 2,
        onProgress: (e) => events.push(e),
      });
      expect(events).toEqual([2, 4, 5].map((done) => ({ unit: "rows", task: "fuse", done, total: 5 })));
    }));

  it("stops with an AbortError between blocks and leaves no output", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir);
      const controller = new AbortController();
      const out = (a: number) => join(dir, `o-${a}.npy`);
      const run = fuse({
        passages,
        sums,
        alphas: [0.1, 0.2],
        out,
        batchSize: 2,
        signal: controller.signal,
        onProgress: (e) => {
          if (e.done === 2) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ name: "AbortError" });
      expect((await readdir(dir)).filter((f) => f.includes("o-"))).toEqual([]);
      expect(existsSync(out(0.1))).toBe(false);
      // aborted before it starts: nothing opened
      await expect(
        fuse({ passages, sums, out: join(dir, "x.npy"), signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ name: "AbortError" });
      expect(existsSync(join(dir, "x.npy"))).toBe(false);
    }));
});

describe("input checks", () => {
  it("names the first row where the ids of P and S differ", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir, { p: IDS, s: ["p0", "p1", "pX", "p3", "p4"] });
      await expect(fuse({ passages, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `id order mismatch at row 2: ${join(dir, "p.ids")} has "p2" but ${join(dir, "s.ids")} has "pX"`,
      );
      expect((await readdir(dir)).filter((f) => f.startsWith("o"))).toEqual([]);
    }));

  it("reports an ids file that ends early, and one sidecar without the other", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir);
      await writeIds(join(dir, "s.ids"), IDS.slice(0, 4));
      await expect(fuse({ passages, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `id order mismatch at row 4: ${join(dir, "p.ids")} has "p4" but ${join(dir, "s.ids")} has nothing (file ended)`,
      );
      await rm(join(dir, "s.ids"));
      await expect(fuse({ passages, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `${join(dir, "p.ids")} exists but ${join(dir, "s.ids")} does not`,
      );
    }));

  it("refuses a row-count or dimension mismatch", () =>
    withTempDir(async (dir) => {
      const { sums } = await setUp(dir, {});
      const short = join(dir, "short.npy");
      await writeNpy(short, P.subarray(0, 4 * DIM), { dimensions: DIM });
      await expect(fuse({ passages: short, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `row count mismatch: ${short} has 4 rows but ${sums} has 5`,
      );
      const wide = join(dir, "wide.npy");
      await writeNpy(wide, new Float32Array(5 * 4), { dimensions: 4 });
      await expect(fuse({ passages: wide, sums, out: join(dir, "o.npy") })).rejects.toThrow(
        `dimension mismatch: ${wide} has 4 dimensions but ${sums} has 3`,
      );
    }));

  it("rejects bad options, naming them and the allowed values", () =>
    withTempDir(async (dir) => {
      const { passages, sums } = await setUp(dir, {});
      const out = join(dir, "o.npy");
      await expect(fuse({ passages, sums, out, reduce: "max" as never })).rejects.toThrow(
        'unknown reduce "max"; allowed: sum, mean',
      );
      await expect(fuse({ passages, sums, out, languages: ["ar"] })).rejects.toThrow(
        'no per-language sums for "ar" (have: none)',
      );
      await expect(fuse({ passages, sums, out, languages: ["xx" as never] })).rejects.toThrow(
        'unknown language "xx"; allowed: ar, bn, fi, ja, ko, ru, te',
      );
      await expect(
        fuse({ passages, sums, alphas: [0.1, 0.2], out: () => join(dir, "same.npy") }),
      ).rejects.toThrow("out(alpha) must give a different path for every alpha");
      await expect(fuse({ passages, sums, alphas: [0.1], out } as never)).rejects.toThrow(
        "fuse: out must be a function of alpha for a sweep",
      );
      await expect(fuse({ passages, sums, out, batchSize: 0 })).rejects.toMatchObject({
        code: "invalid-option",
        field: "batchSize",
      });
      // an earlier option name gets its new name; a typo, the nearest known one
      await expect(fuse({ passages, sums, out, blockRows: 2 } as never)).rejects.toThrow(
        'fuse: option "blockRows" was renamed to "batchSize"',
      );
      await expect(fuse({ passages, sums, out, alpa: 0.1 } as never)).rejects.toMatchObject({
        code: "unknown-option",
        field: "alpa",
        message: expect.stringContaining('fuse: unknown option "alpa" (did you mean "alpha"?)'),
      });
      expect(existsSync(out)).toBe(false);
    }));
});

describe("fuse in memory", () => {
  it("returns a new array and leaves its inputs alone; alphas give one array per α", () => {
    const p = P.slice();
    const s = S.slice();
    const out = fuse({ passages: p, sums: s, dimensions: DIM, alpha: 0.3, renormalize: true });
    expect(out).not.toBe(p);
    expect(p).toEqual(P);
    expect(s).toEqual(S);
    expect(fuse({ passages: P, sums: S, dimensions: DIM, alphas: [0.3, 0.01] })).toEqual([
      inMemory(0.3),
      inMemory(0.01),
    ]);
  });

  it("checks its inputs", () => {
    expect(() => fuse({ passages: P, sums: S.subarray(3), dimensions: DIM })).toThrow(
      "passages has 5 rows but sums has 4",
    );
    expect(() => fuse({ passages: P, sums: S, dimensions: DIM, reduce: "mean" })).toThrow(
      'reduce "mean" needs counts (queries per passage)',
    );
    expect(() => fuse({ passages: P, sums: S, dimensions: 4 })).toThrow(
      "passages has 15 floats, not a multiple of dimensions 4",
    );
    expect(() => fuse({ passages: P, sums: S, dimensions: DIM, alpha: Number.NaN })).toThrow(
      "alpha must be a finite number, got null",
    );
    expect(() => fuse({ passages: P, sums: S, dim: DIM } as never)).toThrow(
      'fuse: option "dim" was renamed to "dimensions"',
    );
    expect(() => fuse({ passages: P, sums: S, dimensions: DIM, alpha: 0.1, alphas: [0.2] } as never)).toThrow(
      "give alpha (one matrix) or alphas (a sweep), not both",
    );
  });
});
