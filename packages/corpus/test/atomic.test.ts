import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@xqg/core";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { readPassages, readRun, writePassages, writeRun } from "../src/index.js";
import { collect, listing, rejection } from "./helpers.js";

describe("writeFileAtomic", () => {
  it("creates parent folders, replaces the file whole and leaves no temp file", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "a", "b", "manifest.json");
      await writeFileAtomic(path, '{"v":1}\n');
      await writeFileAtomic(path, Uint8Array.of(0x7b, 0x7d), { durable: true });
      expect(await readFile(path, "utf8")).toBe("{}");
      expect(await listing(join(dir, "a", "b"))).toEqual(["manifest.json"]);
    });
  });
});

describe("format choice", () => {
  it("writing: comes from the extension, can be overridden, and an unknown one lists the choices", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "corpus.txt");
      const passages = [{ docid: "1", title: "t", text: "x" }];
      const unknown = await rejection(Promise.resolve().then(() => writePassages(path, passages)));
      expect(unknown.message).toBe(
        `${path}: cannot tell the format from the file name; pass { format } (one of jsonl, pyserini, beir, dpr-tsv, msmarco-tsv)`,
      );
      const wrong = await rejection(
        Promise.resolve().then(() => readPassages(path, { format: "xml" as "jsonl" })),
      );
      expect(wrong.message).toBe(
        `${path}: unknown format "xml" (expected one of jsonl, pyserini, beir, dpr-tsv, msmarco-tsv)`,
      );
      await writePassages(path, passages, { format: "dpr-tsv" });
      expect(await readFile(path, "utf8")).toBe("id\ttext\ttitle\n1\tx\tt\n");
      // reading tells the format from the content, whatever the name
      expect(await collect(readPassages(path))).toEqual(passages);
      expect(await collect(readPassages(path, { format: "dpr-tsv" }))).toEqual(passages);
      const run = join(dir, "run.tsv.gz");
      const written = new Map([["q", new Map([["d", 2]])]]);
      await writeRun(run, written);
      expect(await readRun(run)).toEqual(written);
    });
  });
});
