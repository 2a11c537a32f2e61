import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readIds } from "@xqg/core";
import { readNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { createQuerySumAccumulator, sumQueryEmbeddings } from "../src/index.js";

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

describe("sumQueryEmbeddings equals the accumulator", () => {
  it("writes the same bytes as createQuerySumAccumulator fed the same embeddings in the same order", async () => {
    await withTempDir(async (dir) => {
      // awkward values so float32 rounding in the sums shows: 200 passages, 0–4 queries in 3 languages
      let seed = 7;
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const langs = ["ar", "ja", "te"] as const;
      const many = Array.from({ length: 200 }, (_, i) => ({
        docid: `d${i}`,
        queries: Object.fromEntries(
          langs.map((l) => [l, Array.from({ length: Math.floor(next() * 5) }, () => `${l} ${next()}`)]),
        ),
      }));
      const vectorOf = (text: string) =>
        Float32Array.from(
          { length: 3 },
          (_, j) => Math.sin(text.length * (j + 1) + Number(text.split(" ")[1]) * 1e4) / 3,
        );
      const embedAll = async (texts: string[]) => {
        const out = new Float32Array(texts.length * 3);
        for (const [i, t] of texts.entries()) out.set(vectorOf(t), i * 3);
        return out;
      };
      const streamed = await sumQueryEmbeddings(many, embedAll, {
        out: join(dir, "a.npy"),
        dim: 3,
        chunk: 7,
        languages: ["ja"],
      });
      const acc = createQuerySumAccumulator({ passages: many.length, dim: 3, languages: ["ja"] });
      many.forEach((record, passage) => {
        for (const [lang, texts] of Object.entries(record.queries)) {
          for (const text of texts)
            acc.add({ passageIndex: [passage], vectors: vectorOf(text), lang: lang as "ja" });
        }
      });
      const reference = await acc.finish(join(dir, "b.npy"), { ids: many.map((r) => r.docid) });
      for (const key of ["sums", "counts", "ids"] as const) {
        expect(await readFile(streamed[key]), key).toEqual(await readFile(reference[key]));
      }
      expect(await readFile(streamed.languageSums.ja!)).toEqual(await readFile(reference.languageSums.ja!));
      expect(JSON.parse(await readFile(streamed.manifest, "utf8"))).toEqual(
        JSON.parse(await readFile(reference.manifest, "utf8")),
      );
    });
  });
});
