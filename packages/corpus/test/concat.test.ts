import { join } from "node:path";
import { idsPath, readIds, writeIds } from "@xqg/core";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { CorpusError, concatNpy, readNpy, writeNpy } from "../src/index.js";

describe("concatNpy", () => {
  it("stacks parts row-wise in order, with their ids, in blocks smaller than a part", async () => {
    await withTempDir(async (dir) => {
      const a = join(dir, "a.npy");
      const b = join(dir, "b.npy");
      const empty = join(dir, "empty.npy");
      await writeNpy(a, Float32Array.of(1, 2, 3, 4, 5, 6), { dimensions: 2 });
      await writeIds(idsPath(a), ["p1", "p2", "p3"]);
      await writeNpy(empty, new Float32Array(0), { dimensions: 2 });
      await writeIds(idsPath(empty), []);
      await writeNpy(b, Float32Array.of(7, 8), { dimensions: 2 });
      await writeIds(idsPath(b), ["p4"]);
      const out = join(dir, "all.npy");
      const shape = await concatNpy([a, empty, b], { out, ids: idsPath(out), batchSize: 2 });
      expect(shape).toEqual({ rows: 4, dimensions: 2, dtype: "float32" });
      const all = await readNpy(out);
      expect(Array.from(all.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await readIds(idsPath(out))).toEqual(["p1", "p2", "p3", "p4"]);
    });
  });

  it("keeps float16 values exactly", async () => {
    await withTempDir(async (dir) => {
      const parts = [join(dir, "a.npy"), join(dir, "b.npy")];
      await writeNpy(parts[0]!, Float32Array.of(0.1, 65504), { dimensions: 1, dtype: "float16" });
      await writeNpy(parts[1]!, Float32Array.of(-0.333), { dimensions: 1, dtype: "float16" });
      const out = join(dir, "all.npy");
      await concatNpy(parts, { out });
      const all = await readNpy(out);
      expect(all.dtype).toBe("float16");
      // NumPy: float(np.float16(0.1)), float(np.float16(-0.333))
      expect(Array.from(all.data)).toEqual([0.0999755859375, 65504, -0.3330078125]);
    });
  });

  it("refuses parts of another dimension or dtype, naming the part, and leaves no output", async () => {
    await withTempDir(async (dir) => {
      const a = join(dir, "a.npy");
      const b = join(dir, "b.npy");
      await writeNpy(a, Float32Array.of(1, 2), { dimensions: 2 });
      await writeNpy(b, Float32Array.of(1, 2, 3), { dimensions: 3 });
      const out = join(dir, "all.npy");
      const error = await concatNpy([a, b], { out }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorpusError);
      expect((error as Error).message).toBe(`${b}: [1, 3] float32, but ${a} has dimension 2 and float32`);
      await expect(readNpy(out)).rejects.toThrow();
      await expect(concatNpy([], { out })).rejects.toThrow("no parts to concatenate");
    });
  });
});
