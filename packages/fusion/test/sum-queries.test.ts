import { join } from "node:path";
import { readIds } from "@xqg/core";
import { readNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { sumQueryEmbeddings } from "../src/index.js";

// A stand-in query encoder: [length, number of spaces] of each text.
const embedCalls: string[][] = [];
async function embed(texts: string[]): Promise<Float32Array> {
  embedCalls.push(texts);
  return Float32Array.from(texts.flatMap((t) => [t.length, t.split(" ").length - 1]));
}

const records = [
  { docid: "p1", queries: { ja: ["a b", "cc"], te: ["ddd"] } },
  { docid: "p2", queries: {} },
  { docid: "p3", queries: { te: ["e f g", "h"], ja: ["iiii"] } },
];

describe("sumQueryEmbeddings", () => {
  it("sums every query's embedding into its passage's row, in record order, in chunks", async () => {
    await withTempDir(async (dir) => {
      embedCalls.length = 0;
      const files = await sumQueryEmbeddings(records, embed, {
        out: join(dir, "S.npy"),
        passages: 3,
        dim: 2,
        chunk: 3,
      });
      // p1: [3,1] + [2,0] + [3,0]; p2: none; p3: [5,2] + [1,0] + [4,0]
      expect(Array.from((await readNpy(files.sums)).data)).toEqual([8, 1, 0, 0, 10, 2]);
      expect(Array.from((await readNpy(files.counts)).data)).toEqual([3, 0, 3]);
      expect(await readIds(files.ids)).toEqual(["p1", "p2", "p3"]);
      expect(embedCalls).toEqual([
        ["a b", "cc", "ddd"],
        ["e f g", "h", "iiii"],
      ]);
    });
  });

  it("keeps the first `limit` queries of each language", async () => {
    await withTempDir(async (dir) => {
      const files = await sumQueryEmbeddings(records, embed, {
        out: join(dir, "S.npy"),
        passages: 3,
        dim: 2,
        limit: 1,
      });
      // p1: "a b" + "ddd"; p3: "e f g" + "iiii"
      expect(Array.from((await readNpy(files.sums)).data)).toEqual([6, 1, 0, 0, 9, 2]);
    });
  });

  it("keeps per-language sums only for the languages asked for; the total has every language", async () => {
    await withTempDir(async (dir) => {
      const files = await sumQueryEmbeddings(records, embed, {
        out: join(dir, "S.npy"),
        passages: 3,
        dim: 2,
        languages: ["te"],
      });
      expect(Object.keys(files.languageSums)).toEqual(["te"]);
      expect(Array.from((await readNpy(files.languageSums.te!)).data)).toEqual([3, 0, 0, 0, 6, 2]);
      expect(Array.from((await readNpy(files.sums)).data)).toEqual([8, 1, 0, 0, 10, 2]);
      // counts: total, then te
      expect(Array.from((await readNpy(files.counts)).data)).toEqual([3, 1, 0, 0, 3, 2]);
    });
  });
});
