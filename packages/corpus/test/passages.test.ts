import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { type Passage, readPassages, writePassages } from "../src/index.js";
import { collect, listing } from "./helpers.js";

const PASSAGES: Passage[] = [
  { docid: "1", title: "Aaron", text: 'Aaron ( or ; "Ahärôn") is the older brother of Moses' },
  { docid: "doc-2", title: "Tab\tTitle", text: "Ünïcödé — 日本語 and emoji 🎉" },
  { docid: "3", title: "", text: "" },
];

describe("passages", () => {
  it("round-trips JSONL with the exact bytes", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "corpus.jsonl");
      expect(await writePassages(path, PASSAGES)).toEqual({ records: 3 });
      expect(await readFile(path, "utf8")).toBe(
        '{"docid":"1","title":"Aaron","text":"Aaron ( or ; \\"Ahärôn\\") is the older brother of Moses"}\n' +
          '{"docid":"doc-2","title":"Tab\\tTitle","text":"Ünïcödé — 日本語 and emoji 🎉"}\n' +
          '{"docid":"3","title":"","text":""}\n',
      );
      expect(await collect(readPassages(path))).toEqual(PASSAGES);
      expect(await listing(dir)).toEqual(["corpus.jsonl"]);
    });
  });

  it("writes DPR TSV as Python's csv module does (header, quoting) and reads it back", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "psgs.tsv");
      await writePassages(path, PASSAGES);
      expect(await readFile(path, "utf8")).toBe(
        "id\ttext\ttitle\n" +
          '1\t"Aaron ( or ; ""Ahärôn"") is the older brother of Moses"\tAaron\n' +
          'doc-2\tÜnïcödé — 日本語 and emoji 🎉\t"Tab\tTitle"\n' +
          "3\t\t\n",
      );
      expect(await collect(readPassages(path))).toEqual(PASSAGES);
    });
  });

  it("reads psgs_w100.tsv-style lines and header columns in any order", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "w.tsv");
      await writeFile(path, 'title\tid\ttext\r\nAaron\t1\t"Aaron ""A"" is"\r\n');
      expect(await collect(readPassages(path))).toEqual([
        { docid: "1", title: "Aaron", text: 'Aaron "A" is' },
      ]);
    });
  });

  it("reads and writes .gz transparently (and sniffs gzip whatever the name)", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "corpus.jsonl.gz");
      await writePassages(path, PASSAGES);
      const raw = await readFile(path);
      expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
      expect(gunzipSync(raw).toString("utf8").split("\n")).toHaveLength(4);
      expect(await collect(readPassages(path))).toEqual(PASSAGES);
      const renamed = join(dir, "plain-name.jsonl");
      await writeFile(renamed, gzipSync(Buffer.from('{"docid":"9","title":"t","text":"x"}\n')));
      expect(await collect(readPassages(renamed))).toEqual([{ docid: "9", title: "t", text: "x" }]);
    });
  });

  it("streams records across read chunks from an async source, with format override", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "big.data");
      const n = 30_000;
      async function* generate() {
        for (let i = 0; i < n; i++)
          yield { docid: `d${i}`, title: `T${i}`, text: "lorem ipsum ".repeat(i % 17) };
      }
      await writePassages(path, generate(), { format: "jsonl" });
      const reader = readPassages(path, { format: "jsonl" });
      const read = await collect(reader);
      expect(read).toHaveLength(n);
      const wrong = read.findIndex((p, i) => p.docid !== `d${i}` || p.text.length !== 12 * (i % 17));
      expect(wrong).toBe(-1);
      expect(reader.stats).toEqual({ records: n, skipped: 0, duplicates: 0, warnings: 0, lines: n });
    });
  });

  it("stops reading when the consumer stops (early break closes the file)", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "c.jsonl");
      await writePassages(path, PASSAGES);
      const seen: string[] = [];
      for await (const p of readPassages(path)) {
        seen.push(p.docid);
        break;
      }
      expect(seen).toEqual(["1"]);
    });
  });
});
