import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readIds } from "@xqg/core";
import { readNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { concatQuerySums, FusionError, querySumFiles, sumQueries } from "../src/index.js";

// A stand-in query encoder with non-integer values, so float32 rounding of the sums is exercised.
async function embed(texts: string[]): Promise<Float32Array> {
  return Float32Array.from(
    texts.flatMap((t) => [t.length / 3, Math.sqrt(t.length), 1 / (1 + t.indexOf(" "))]),
  );
}

const records = Array.from({ length: 11 }, (_, i) => ({
  docid: `p${i}`,
  queries: {
    ...(i % 3 === 0 ? {} : { ja: Array.from({ length: i % 4 }, (_, j) => `ja ${i} query ${j}`) }),
    te: Array.from({ length: 1 + (i % 2) }, (_, j) => `te${i} ${"x".repeat(j + i)}`),
  },
}));

const bytesOf = async (path: string) => new Uint8Array(await readFile(path));

describe("concatQuerySums", () => {
  it("joins Σq of consecutive record ranges into the bytes one pass over all records writes", async () => {
    await withTempDir(async (dir) => {
      const options = { dimensions: 3, batchSize: 4, languages: ["te", "ja"] as const };
      const whole = await sumQueries(records, embed, { ...options, out: join(dir, "whole.npy") });
      const ranges = [
        [0, 4],
        [4, 5],
        [5, 11],
      ];
      const parts: string[] = [];
      for (const [i, [start, end]] of ranges.entries()) {
        const out = join(dir, `part-${i}.npy`);
        await sumQueries(records.slice(start, end), embed, { ...options, out });
        parts.push(out);
      }
      const joined = await concatQuerySums(parts, join(dir, "joined.npy"));
      expect(joined).toEqual(querySumFiles(join(dir, "joined.npy"), ["ja", "te"]));
      for (const key of ["sums", "counts", "ids", "manifest"] as const)
        expect(await bytesOf(joined[key]), key).toEqual(await bytesOf(whole[key]));
      for (const l of ["ja", "te"] as const)
        expect(await bytesOf(joined.languageSums[l]!), l).toEqual(await bytesOf(whole.languageSums[l]!));
      expect(await readIds(joined.ids)).toEqual(records.map((r) => r.docid));
      expect(JSON.parse(await readFile(joined.manifest, "utf8"))).toMatchObject({
        passages: 11,
        dimensions: 3,
      });
      expect((await readNpy(joined.sums)).rows).toBe(11);
    });
  });

  it("refuses parts of different dimensions or languages, naming the part", async () => {
    await withTempDir(async (dir) => {
      const a = join(dir, "a.npy");
      const b = join(dir, "b.npy");
      await sumQueries(records.slice(0, 2), embed, { dimensions: 3, out: a, languages: ["ja"] });
      await sumQueries(records.slice(2, 4), embed, { dimensions: 3, out: b });
      const error = await concatQuerySums([a, b], join(dir, "c.npy")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FusionError);
      expect((error as FusionError).code).toBe("shape-mismatch");
      expect((error as Error).message).toBe(`${b}: 3 dimensions with languages [], but ${a} has 3 with [ja]`);
      await expect(concatQuerySums([], join(dir, "c.npy"))).rejects.toThrow("no parts given");
      await expect(concatQuerySums([join(dir, "none.npy")], join(dir, "c.npy"))).rejects.toThrow(
        /none\.sums\.json: cannot read the Σq description/,
      );
    });
  });

  it("joins parts whose description predates the rename of dim (version 1): finished shards stay usable", async () => {
    await withTempDir(async (dir) => {
      const options = { dimensions: 3, languages: ["ja"] as const };
      const whole = await sumQueries(records, embed, { ...options, out: join(dir, "whole.npy") });
      const parts = [join(dir, "a.npy"), join(dir, "b.npy")];
      await sumQueries(records.slice(0, 5), embed, { ...options, out: parts[0]! });
      await sumQueries(records.slice(5), embed, { ...options, out: parts[1]! });
      // part a as an earlier version wrote it
      const old = querySumFiles(parts[0]!).manifest;
      const { dimensions, ...rest } = JSON.parse(await readFile(old, "utf8"));
      await writeFile(old, `${JSON.stringify({ ...rest, version: 1, dim: dimensions }, null, 2)}\n`);
      const joined = await concatQuerySums(parts, join(dir, "joined.npy"));
      for (const key of ["sums", "counts", "ids", "manifest"] as const)
        expect(await bytesOf(joined[key]), key).toEqual(await bytesOf(whole[key]));
    });
  });
});
