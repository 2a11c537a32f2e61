import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { CorpusError, concatNpy, createNpyWriter, openNpy, readNpy, writeNpy } from "../src/index.js";
import { encodeNpyHeader } from "../src/npy/header.js";
import { rejection } from "./helpers.js";

/** A float32 .npy file written byte by byte, so that it may hold what the writer refuses. */
async function rawNpy(path: string, values: Float32Array, dim: number): Promise<void> {
  const header = encodeNpyHeader(values.length / dim, dim, "float32");
  await writeFile(path, Buffer.concat([header, new Uint8Array(values.buffer)]));
}

describe("non-finite values in .npy files", () => {
  it("are refused on read, naming the file, the row and the column (any read, blocks included)", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "p.npy");
      const values = new Float32Array(20 * 4).map((_, i) => i);
      values[17 * 4 + 3] = Number.NaN;
      await rawNpy(path, values, 4);
      const error = await rejection(readNpy(path));
      expect(error).toBeInstanceOf(CorpusError);
      expect(error.message).toBe(`${path}: row 17, column 3: NaN; embeddings must be finite`);
      expect(error).toMatchObject({ file: path, code: "non-finite" });
      const reader = await openNpy(path);
      expect(Array.from(await reader.read(16, 1))).toEqual([64, 65, 66, 67]);
      expect((await rejection(reader.read(15, 3, new Float32Array(12)))).message).toBe(
        `${path}: row 17, column 3: NaN; embeddings must be finite`,
      );
      const blocks = (async () => {
        for await (const _ of reader.blocks({ batchSize: 8 }));
      })();
      expect((await rejection(blocks)).message).toBe(
        `${path}: row 17, column 3: NaN; embeddings must be finite`,
      );
      await reader.close();
      // opt out
      expect(Number.isNaN((await readNpy(path, { checkFinite: false })).data[71])).toBe(true);
    });
  });

  it("are refused in float16 files and by concatNpy, which names the part", async () => {
    await withTempDir(async (dir) => {
      const half = join(dir, "h.npy");
      await writeNpy(half, Float32Array.of(1, 2, Number.NEGATIVE_INFINITY, 4), {
        dimensions: 2,
        dtype: "float16",
        checkFinite: false,
      });
      expect((await rejection(readNpy(half))).message).toBe(
        `${half}: row 1, column 0: -Infinity; embeddings must be finite`,
      );
      const good = join(dir, "g.npy");
      await writeNpy(good, Float32Array.of(1, 2), { dimensions: 2, dtype: "float16" });
      const error = await rejection(concatNpy([good, half], { out: join(dir, "all.npy") }));
      expect(error.message).toBe(`${half}: row 1, column 0: -Infinity; embeddings must be finite`);
      expect((await readdir(dir)).sort()).toEqual(["g.npy", "h.npy"]);
    });
  });

  it("are refused on write, naming the row of the whole file, before anything of the append is written", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "out.npy");
      const writer = await createNpyWriter(path, { dimensions: 3 });
      await writer.append(Float32Array.of(1, 2, 3, 4, 5, 6));
      const error = await rejection(writer.append(Float32Array.of(0, 0, 0, 7, Number.POSITIVE_INFINITY, 9)));
      expect(error).toBeInstanceOf(CorpusError);
      expect(error.message).toBe(`${path}: row 3, column 1: Infinity; embeddings must be finite`);
      expect(error).toMatchObject({ file: path, code: "non-finite" });
      expect(writer.rows).toBe(2);
      await writer.append(Float32Array.of(7, 8, 9));
      expect(await writer.close()).toEqual({ rows: 3 });
      expect(Array.from((await readNpy(path)).data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const half = join(dir, "half.npy");
      const nan = Float32Array.of(1, Number.NaN);
      expect((await rejection(writeNpy(half, nan, { dimensions: 1, dtype: "float16" }))).message).toBe(
        `${half}: row 1, column 0: NaN; embeddings must be finite`,
      );
      expect((await readdir(dir)).sort()).toEqual(["out.npy"]);
    });
  });
});
