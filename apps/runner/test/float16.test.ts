// float16 end to end: embeddings stored as float16 by encode, fused and searched on their values.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { rankedDocids, readIds } from "@xqg/core";
import { readNpy, readRun } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { smallExperiment, xqg } from "./helpers.js";

/** IEEE half precision rounding of a float32 value (round to nearest, ties to even), back as a number. */
function toHalf(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const exponent = Math.max(Math.floor(Math.log2(Math.abs(x))), -14);
  const spacing = 2 ** (exponent - 10);
  const scaled = x / spacing;
  const down = Math.floor(scaled);
  const frac = scaled - down;
  const rounded = frac > 0.5 || (frac === 0.5 && down % 2 !== 0) ? down + 1 : down;
  return rounded * spacing;
}

describe("encode.dtype float16 through fuse and search", () => {
  it("stores P and the queries as float16, fuses them NumPy-exactly into float16, and ranks by their values", async () => {
    await withTempDir(async (dir) => {
      const config = await smallExperiment(dir);
      const text = await readFile(config, "utf8");
      await writeFile(
        config,
        text.replace(
          "encode: { passageMaxLength: 64, batchSize: 4 }",
          "encode: { passageMaxLength: 64, batchSize: 4, dtype: float16 }",
        ),
      );
      const r = await xqg("run", config, "--quiet");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const out = join(dir, "out");
      const p = await readNpy(join(out, "embeddings", "passages.npy"));
      const q = await readNpy(join(out, "embeddings", "queries.npy"));
      const s = await readNpy(join(out, "embeddings", "sums.npy"));
      const fused = await readNpy(join(out, "fused", "alpha-0.5.npy"));
      expect([p.dtype, q.dtype, fused.dtype]).toEqual(["float16", "float16", "float16"]);
      expect(s.dtype).toBe("float32"); // Σq keeps float32: sums of many queries would lose more in float16
      // every stored value is a float16 value
      for (const m of [p, q, fused]) for (const x of m.data) expect(toHalf(x)).toBe(x);

      // NumPy: np.float16(np.float32(0.5) * P.astype(np.float32) + np.float32(0.5) * S)
      const f = Math.fround;
      const expected = Array.from(p.data, (x, i) => toHalf(f(f(0.5 * x) + f(0.5 * s.data[i]!))));
      expect(Array.from(fused.data)).toEqual(expected);

      // the run ranks the fused float16 rows by inner product with the float16 queries
      const docids = await readIds(join(out, "embeddings", "passages.ids"));
      const qids = await readIds(join(out, "embeddings", "queries.ids"));
      const run = await readRun(join(out, "runs", "alpha-0.5.trec"));
      const dim = fused.dimensions;
      for (const [qi, qid] of qids.entries()) {
        const scores = docids.map((_, d) => {
          let dot = 0;
          for (let j = 0; j < dim; j++) dot += q.data[qi * dim + j]! * fused.data[d * dim + j]!;
          return dot;
        });
        const [top] = rankedDocids(run.get(qid)!);
        const best = Math.max(...scores);
        expect(run.get(qid)!.get(top!)).toBeCloseTo(best, 4);
        expect(scores[docids.indexOf(top!)]).toBeCloseTo(best, 4);
      }
    });
  });
});
