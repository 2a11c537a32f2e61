import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { AnnError, Index, loadRankedRows, mergeRankedRows, saveRankedRows } from "../src/index.js";

describe("saveRankedRows / loadRankedRows", () => {
  it("round-trips every float32 score exactly, and the merge of loaded parts equals the merge in memory", async () => {
    await withTempDir(async (dir) => {
      // scores that need all of float32's digits, and a tie
      const a = [{ rows: [3, 1], scores: Float32Array.of(Math.fround(1 / 3), Math.fround(0.1 + 0.2)) }];
      const b = [{ rows: [7, 5], scores: Float32Array.of(Math.fround(1 / 3), Math.fround(-2.5e-8)) }];
      await saveRankedRows(join(dir, "a.jsonl"), a);
      await saveRankedRows(join(dir, "b.jsonl"), b);
      expect(await readFile(join(dir, "a.jsonl"), "utf8")).toBe(
        `{"rows":[3,1],"scores":[${a[0]!.scores[0]},${a[0]!.scores[1]}]}\n`,
      );
      const loaded = [await loadRankedRows(join(dir, "a.jsonl")), await loadRankedRows(join(dir, "b.jsonl"))];
      expect(loaded).toEqual([a, b]);
      expect(mergeRankedRows(loaded, 3)).toEqual(mergeRankedRows([a, b], 3));
    });
  });

  it("refuses a file of another query count, a line that is not a ranked list, and a missing file", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "rows.jsonl");
      await saveRankedRows(file, [{ rows: [0], scores: Float32Array.of(1) }]);
      await expect(loadRankedRows(file, { queries: 2 })).rejects.toThrow(
        `${file}: 1 lines, but there are 2 queries`,
      );
      await writeFile(file, '{"rows":[0,1],"scores":[1]}\n');
      const uneven = await loadRankedRows(file).catch((e: unknown) => e);
      expect(uneven).toBeInstanceOf(AnnError);
      expect((uneven as AnnError).code).toBe("bad-ranked-rows");
      expect((uneven as AnnError).message).toBe(
        `${file}:1: expected {"rows": [...], "scores": [...]}: row numbers and finite scores, as many of each`,
      );
      await writeFile(file, "{\n");
      await expect(loadRankedRows(file)).rejects.toThrow(`${file}:1: not JSON`);
      await expect(loadRankedRows(join(dir, "none.jsonl"))).rejects.toMatchObject({ code: "missing-file" });
    });
  });
});

describe("Index.files", () => {
  it("names exactly the files save writes", async () => {
    await withTempDir(async (dir) => {
      const index = Index.create({ dimensions: 2 });
      await index.add(["a", "b"], Float32Array.of(1, 0, 0, 1));
      const path = join(dir, "x.usearch");
      await index.save(path);
      const { readdir } = await import("node:fs/promises");
      expect((await readdir(dir)).sort()).toEqual(
        Index.files(path)
          .map((f) => f.slice(dir.length + 1))
          .sort(),
      );
    });
  });
});
