import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type ProgressEvent, readIds } from "@xqg/core";
import { readNpy } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { querySumFiles, sumQueries } from "../src/index.js";

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

describe("sumQueries", () => {
  it("sums every query's embedding into its passage's row, in record order, in batches", async () => {
    await withTempDir(async (dir) => {
      embedCalls.length = 0;
      const files = await sumQueries(records, embed, {
        out: join(dir, "S.npy"),
        dimensions: 2,
        batchSize: 3,
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
      const files = await sumQueries(records, embed, { out: join(dir, "S.npy"), dimensions: 2, limit: 1 });
      // p1: "a b" + "ddd"; p3: "e f g" + "iiii"
      expect(Array.from((await readNpy(files.sums)).data)).toEqual([6, 1, 0, 0, 9, 2]);
    });
  });

  it("keeps per-language sums only for the languages asked for; the total has every language", async () => {
    await withTempDir(async (dir) => {
      const files = await sumQueries(records, embed, {
        out: join(dir, "S.npy"),
        dimensions: 2,
        languages: ["te", "ja"],
      });
      expect(files).toEqual({
        sums: join(dir, "S.npy"),
        counts: join(dir, "S.counts.npy"),
        languageSums: { ja: join(dir, "S.ja.npy"), te: join(dir, "S.te.npy") },
        manifest: join(dir, "S.sums.json"),
        ids: join(dir, "S.ids"),
      });
      expect(files).toEqual(querySumFiles(join(dir, "S.npy"), ["ja", "te"]));
      expect(Array.from((await readNpy(files.languageSums.te!)).data)).toEqual([3, 0, 0, 0, 6, 2]);
      expect(Array.from((await readNpy(files.sums)).data)).toEqual([8, 1, 0, 0, 10, 2]);
      // counts: total, then ja, then te (canonical order)
      expect(Array.from((await readNpy(files.counts)).data)).toEqual([3, 2, 1, 0, 0, 0, 3, 1, 2]);
      expect(JSON.parse(await readFile(files.manifest, "utf8"))).toEqual({
        format: "xqg-query-sums",
        version: 2,
        passages: 3,
        dimensions: 2,
        queries: 6,
        languages: ["ja", "te"],
      });
      const teOnly = await sumQueries(records, embed, {
        out: join(dir, "T.npy"),
        dimensions: 2,
        languages: ["te"],
      });
      // a language not kept apart counts in the total only
      expect(Array.from((await readNpy(teOnly.counts)).data)).toEqual([3, 1, 0, 0, 3, 2]);
    });
  });

  it("reports passages after each batch, task sum", async () => {
    await withTempDir(async (dir) => {
      const events: ProgressEvent[] = [];
      await sumQueries(records, embed, {
        out: join(dir, "S.npy"),
        dimensions: 2,
        batchSize: 3,
        onProgress: (e) => events.push(e),
      });
      expect(events).toEqual([
        { unit: "rows", task: "sum", done: 1, total: undefined },
        { unit: "rows", task: "sum", done: 3, total: undefined },
      ]);
    });
  });

  it("stops with an AbortError between batches and leaves no file", async () => {
    await withTempDir(async (dir) => {
      const controller = new AbortController();
      const run = sumQueries(records, embed, {
        out: join(dir, "S.npy"),
        dimensions: 2,
        batchSize: 3,
        languages: ["ja"],
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      await expect(run).rejects.toMatchObject({ name: "AbortError" });
      expect(await readdir(dir)).toEqual([]);
      // after the last batch, before the files are in place
      const late = new AbortController();
      const lateRun = sumQueries(records, embed, {
        out: join(dir, "S.npy"),
        dimensions: 2,
        signal: late.signal,
        onProgress: () => late.abort(),
      });
      await expect(lateRun).rejects.toMatchObject({ name: "AbortError" });
      await expect(
        sumQueries(records, embed, { out: join(dir, "S.npy"), dimensions: 2, signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ name: "AbortError" });
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it("checks its options and the first record, naming the field", async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, "S.npy");
      await expect(sumQueries(records, embed, { out, dim: 2 } as never)).rejects.toThrow(
        'sumQueries: option "dim" was renamed to "dimensions"',
      );
      await expect(sumQueries(records, embed, { out, dimensions: 2, chunk: 4 } as never)).rejects.toThrow(
        'sumQueries: option "chunk" was renamed to "batchSize"',
      );
      await expect(
        sumQueries(records, embed, { out, dimensions: 2, limitt: 1 } as never),
      ).rejects.toMatchObject({
        code: "unknown-option",
        message: expect.stringContaining('(did you mean "limit"?)'),
      });
      await expect(sumQueries(records, embed, { out, dimensions: 0 })).rejects.toMatchObject({
        code: "invalid-option",
        field: "dimensions",
      });
      await expect(
        sumQueries([{ id: "p1", queries: {} }] as never, embed, { out, dimensions: 2 }),
      ).rejects.toMatchObject({
        code: "invalid-record",
        field: "docid",
        message:
          'sumQueries: generated queries: field "docid" must be a string; found none (the record has id, queries)',
      });
      await expect(
        sumQueries(records, async () => new Float32Array(1), { out, dimensions: 2 }),
      ).rejects.toThrow("embed returned 1 floats for 6 queries of 2 dimensions");
      expect(await readdir(dir)).toEqual([]);
    });
  });
});
