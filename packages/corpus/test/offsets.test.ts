import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import {
  type CorpusError,
  indexRecords,
  type PassageReadOptions,
  readGeneratedQueries,
  readPassages,
  shard,
} from "../src/index.js";
import { collect, rejection } from "./helpers.js";

/** Every range of every shard count up to 5, read through the index, equals the full read's slice. */
async function expectRangesMatch(path: string, options: PassageReadOptions, every: number) {
  const all = await collect(readPassages(path, options));
  const index = await indexRecords(readPassages(path, options), { every });
  expect(index.records).toBe(all.length);
  for (let count = 1; count <= 5; count++) {
    for (let i = 0; i < count; i++) {
      const { start, end } = shard({ index: i, count, total: all.length });
      const range = { start, end };
      expect(await collect(readPassages(path, { ...options, range, index }))).toEqual(all.slice(start, end));
      expect(await collect(readPassages(path, { ...options, range }))).toEqual(all.slice(start, end));
    }
  }
  return { all, index };
}

const passage = (i: number) => ({
  docid: `d${i}`,
  title: `T ${i}`,
  text: `tëxt ${"é".repeat(i % 5)} 中 ${i}`,
});

describe("indexRecords and range reads", () => {
  it("jsonl with a BOM, CRLF, blank lines and multi-byte text: offsets of every 3rd record", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "c.jsonl");
      const lines = Array.from({ length: 17 }, (_, i) => JSON.stringify(passage(i)));
      lines.splice(5, 0, "", "  ");
      await writeFile(path, `\uFEFF${lines.join("\r\n")}`);
      const { index } = await expectRangesMatch(path, {}, 3);
      expect(index).toMatchObject({ version: 1, records: 17, every: 3, format: "jsonl", dropped: [] });
      expect(index.lines).toEqual([1, 4, 9, 12, 15, 18]);
      // the offsets begin the records' lines
      const bytes = Buffer.from(`\uFEFF${lines.join("\r\n")}`);
      for (const [i, offset] of index.offsets.entries()) {
        if (i === 0) expect(offset).toBe(0);
        else expect(bytes.subarray(offset, offset + 10).toString()).toBe('{"docid":"');
      }
    });
  });

  it("dpr-tsv with quoted fields spanning lines, \\r line ends, and the header read before a seek", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "c.tsv");
      const rows = Array.from({ length: 14 }, (_, i) =>
        i % 4 === 1 ? `${i}\t"line one\r\nline ""two"""\tT${i}` : `${i}\ttëxt ${i}\tT${i}`,
      );
      await writeFile(path, `id\ttext\ttitle\r${rows.join("\n")}\n`);
      const { all, index } = await expectRangesMatch(path, {}, 2);
      expect(all).toHaveLength(14);
      expect(all[1]!.text).toBe('line one\r\nline "two"');
      expect(index.format).toBe("dpr-tsv");
    });
  });

  it("line numbers in errors stay right after a seek", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "c.jsonl");
      const lines = Array.from({ length: 20 }, (_, i) =>
        i === 13 ? '{"docid": "bad"}' : JSON.stringify(passage(i)),
      );
      await writeFile(path, `${lines.join("\n")}\n`);
      const skipped: number[] = [];
      const options = { onError: "skip" as const, onSkip: (e: CorpusError) => skipped.push(e.line!) };
      const index = await indexRecords(readPassages(path, options), { every: 4 });
      expect(index.records).toBe(19);
      skipped.length = 0;
      const got = await collect(readPassages(path, { ...options, range: { start: 12, end: 15 }, index }));
      expect(got.map((p) => p.docid)).toEqual(["d12", "d14", "d15"]);
      expect(skipped).toEqual([14]);
      // read with "fail", the same record stops the read at its line
      const strict = await indexRecords(readPassages(join(dir, "c.jsonl"), {}), { every: 4 }).catch((e) => e);
      expect((strict as CorpusError).line).toBe(14);
      // an index built with other options is refused
      const error = (await rejection(
        collect(readPassages(path, { range: { start: 12, end: 15 }, index })),
      )) as CorpusError;
      expect([error.code, error.field]).toEqual(["bad-value", "index"]);
    });
  });

  it("duplicates first/last: the index pass records the dropped lines, so a seek drops them again", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "c.jsonl");
      const ids = [0, 1, 2, 1, 3, 4, 0, 5, 6, 3, 7, 8];
      await writeFile(
        path,
        `${ids.map((i, n) => JSON.stringify({ ...passage(i), text: `v${n}` })).join("\n")}\n`,
      );
      const first = await expectRangesMatch(path, { duplicates: "first" }, 2);
      expect(first.index.dropped).toEqual([4, 7, 10]);
      const last = await expectRangesMatch(path, { duplicates: "last" }, 2);
      expect(last.index.dropped).toEqual([1, 2, 5]);
      expect(last.all.map((p) => p.text)).toEqual(["v2", "v3", "v5", "v6", "v7", "v8", "v9", "v10", "v11"]);
    });
  });

  it("gzip: offsets into the uncompressed text; a range read decompresses and drops the bytes before it", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "c.jsonl.gz");
      const text = Array.from({ length: 3000 }, (_, i) => JSON.stringify(passage(i))).join("\n");
      await writeFile(path, gzipSync(text));
      const { index } = await expectRangesMatch(path, {}, 100);
      expect(index.offsets[1]).toBe(Buffer.byteLength(text.split("\n").slice(0, 100).join("\n")) + 1);
    });
  });

  it("generated queries, empty ranges, a stale index, a range past the end", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "g.jsonl");
      const records = Array.from({ length: 10 }, (_, i) => ({ docid: `d${i}`, queries: { ja: [`q${i}`] } }));
      await writeFile(path, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
      const index = await indexRecords(readGeneratedQueries(path), { every: 4 });
      expect(index.offsets).toHaveLength(3);
      expect(await collect(readGeneratedQueries(path, { range: { start: 5, end: 9 }, index }))).toEqual(
        records.slice(5, 9),
      );
      expect(await collect(readGeneratedQueries(path, { range: { start: 10, end: 10 }, index }))).toEqual([]);
      const past = (await rejection(
        collect(readGeneratedQueries(path, { range: { start: 8, end: 11 }, index })),
      )) as CorpusError;
      expect(past.message).toBe(`${path}: range ends at 11, past the file's 10 records`);
      const short = (await rejection(
        collect(readGeneratedQueries(path, { range: { start: 8, end: 11 } })),
      )) as CorpusError;
      expect([short.code, short.reason]).toEqual(["shard", "has 10 records, fewer than the range's end 11"]);
      await writeFile(path, `${records.map((r) => JSON.stringify(r)).join("\n")}\n\n`);
      const stale = (await rejection(
        collect(readGeneratedQueries(path, { range: { start: 5, end: 9 }, index })),
      )) as CorpusError;
      expect(stale.reason).toBe(
        "the file has 391 bytes, its index was built over 390: build the index again",
      );
    });
  });
});
