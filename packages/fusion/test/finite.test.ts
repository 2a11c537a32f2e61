import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { writeIds } from "@xqg/core";
import { writeNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { FusionError, fuse, sumQueries } from "../src/index.js";
import { MixArena, mixInto } from "../src/kernel/mix.js";
import { oneQueryEach, writeSums } from "./helpers.js";

const DIM = 3;
const P = Float32Array.from({ length: 5 * DIM }, (_, i) => (i % 7) - 2.5);
const S = Float32Array.from({ length: 5 * DIM }, (_, i) => i * 0.75 - 4);

const poisoned = (values: Float32Array, index: number, value: number) => {
  const out = values.slice();
  out[index] = value;
  return out;
};

async function rejection(promise: Promise<unknown>): Promise<FusionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FusionError);
    return error as FusionError;
  }
  throw new Error("expected a FusionError");
}

/** P and S files (S straight from a matrix, which may hold what sumQueries refuses), with ids. */
async function inputs(dir: string, p: Float32Array, s: Float32Array) {
  const passages = join(dir, "p.npy");
  const sums = join(dir, "s.npy");
  await writeNpy(passages, p, { dimensions: DIM, checkFinite: false });
  await writeNpy(sums, s, { dimensions: DIM, checkFinite: false });
  const ids = ["a", "b", "c", "d", "e"];
  await writeIds(join(dir, "p.ids"), ids);
  await writeIds(join(dir, "s.ids"), ids);
  return { passages, sums };
}

describe("the mix kernel's test of its output", () => {
  it("flags a NaN or ±Infinity at any position (SIMD body or scalar tail), from either input or an overflow", () => {
    const arena = new MixArena(3, 40);
    for (const n of [1, 7, 8, 9, 17, 40]) {
      const [out, p, s] = arena.buffers.map((b) => b.subarray(0, n)) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      p.fill(0.5);
      s.fill(-2);
      expect([n, mixInto(out, p, s, 0.99, 0.01, arena), mixInto(out, p, s, 0.99, 0.01)]).toEqual([
        n,
        false,
        false,
      ]);
      for (let at = 0; at < n; at++) {
        for (const [bad, keep, alpha] of [
          [p, 0.99, 0.01],
          [p, 0, 1], // 0 · NaN is NaN
          [s, 1, 0], // 0 · Inf is NaN
        ] as const) {
          for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
            bad[at] = value;
            if (!mixInto(out, p, s, keep, alpha, arena) || !mixInto(out, p, s, keep, alpha))
              throw new Error(`n = ${n}: ${value} at ${at} not flagged (keep ${keep}, alpha ${alpha})`);
            bad[at] = bad === p ? 0.5 : -2;
          }
        }
        p[at] = 3e38;
        s[at] = 3e38;
        expect([n, at, mixInto(out, p, s, 1, 1, arena)]).toEqual([n, at, true]); // overflow
        expect([n, at, mixInto(out, p, s, 0.5, 0.5, arena)]).toEqual([n, at, false]);
        p[at] = 0.5;
        s[at] = -2;
      }
    }
  });
});

describe("NaN and ±Infinity in fusion", () => {
  it("are refused in P and Σq blocks, naming the file, the row and the column; nothing is written", () =>
    withTempDir(async (dir) => {
      const out = (a: number) => join(dir, `out-${a}.npy`);
      const bad = await inputs(dir, poisoned(P, 3 * DIM + 1, Number.NaN), S);
      const error = await rejection(fuse({ ...bad, alphas: [0, 0.01], out, batchSize: 2 }));
      expect(error.message).toBe(`${bad.passages}: row 3, column 1: NaN; embeddings must be finite`);
      expect([error.code, error.file]).toEqual(["non-finite", bad.passages]);
      const inf = await inputs(dir, P, poisoned(S, 4 * DIM, Number.NEGATIVE_INFINITY));
      expect((await rejection(fuse({ ...inf, alphas: [0.01], out, batchSize: 2 }))).message).toBe(
        `${inf.sums}: row 4, column 0: -Infinity; embeddings must be finite`,
      );
      expect((await readdir(dir)).sort()).toEqual(["p.ids", "p.npy", "s.ids", "s.npy"]);
    }));

  it("are refused in an output block that overflows, naming the output, the row and α", () =>
    withTempDir(async (dir) => {
      const huge = await inputs(dir, P, poisoned(S, 2 * DIM + 2, 3e38));
      const out = (a: number) => join(dir, `out-${a}.npy`);
      const error = await rejection(fuse({ ...huge, alphas: [0.5, 2], out, batchSize: 2 }));
      expect(error.message).toBe(
        `${out(2)}: row 2, column 2: Infinity (overflow at α = 2); embeddings must be finite`,
      );
      expect(error.file).toBe(out(2));
      expect((await readdir(dir)).filter((f) => f.startsWith("out"))).toEqual([]);
    }));

  it('are refused in the counts read by reduce: "mean", where a NaN would pass for "no queries"', () =>
    withTempDir(async (dir) => {
      const passages = join(dir, "p.npy");
      await writeNpy(passages, P, { dimensions: DIM });
      const files = await writeSums(join(dir, "s.npy"), oneQueryEach(S, DIM), {
        dimensions: DIM,
        ids: false,
      });
      await writeNpy(files.counts, Float32Array.of(1, 1, Number.NaN, 1, 1), {
        dimensions: 1,
        checkFinite: false,
      });
      const out = (a: number) => join(dir, `out-${a}.npy`);
      const error = await rejection(fuse({ passages, sums: files.sums, alphas: [0.1], out, reduce: "mean" }));
      expect(error.message).toBe(`${files.counts}: row 2, column 0: NaN; embeddings must be finite`);
      // and in Σq, which "mean" divides in JavaScript rather than in the kernel
      await writeNpy(files.counts, Float32Array.of(1, 1, 1, 1, 1), { dimensions: 1 });
      await writeNpy(files.sums, poisoned(S, 4, Number.NaN), { dimensions: DIM, checkFinite: false });
      const again = await rejection(fuse({ passages, sums: files.sums, alphas: [0.1], out, reduce: "mean" }));
      expect(again.message).toBe(`${files.sums}: row 1, column 1: NaN; embeddings must be finite`);
    }));

  it("are refused by fuse in memory (inputs and output) and in what sumQueries' embed returns", async () => {
    const at = { passages: P, sums: S, dimensions: DIM };
    expect(() => fuse({ ...at, passages: poisoned(P, 5, Number.NaN) })).toThrow(
      "passages: row 1, column 2: NaN; embeddings must be finite",
    );
    expect(() => fuse({ ...at, sums: poisoned(S, 0, Number.POSITIVE_INFINITY) })).toThrow(
      "sums: row 0, column 0: Infinity; embeddings must be finite",
    );
    expect(() => fuse({ ...at, sums: poisoned(S, 14, 3e38), alpha: 4 })).toThrow(
      "output: row 4, column 2: Infinity (overflow at α = 4); embeddings must be finite",
    );
    await withTempDir(async (dir) => {
      const records = [
        { docid: "a", queries: { ja: ["x"] } },
        { docid: "b", queries: { ja: ["y", "z"] } },
      ];
      const embed = async (texts: string[]) =>
        poisoned(new Float32Array(texts.length * DIM), 2 * DIM, Number.NaN);
      const error = await rejection(sumQueries(records, embed, { out: join(dir, "s.npy"), dimensions: DIM }));
      expect([error.code, error.field]).toEqual(["non-finite", "embed"]);
      expect(error.message).toBe("embed: row 2, column 0: NaN (a query of b); embeddings must be finite");
      expect(await readdir(dir)).toEqual([]);
    });
  });
});
