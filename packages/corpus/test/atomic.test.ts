import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { readPassages, readRun, writeFileAtomic, writePassages, writeRun } from "../src/index.js";
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
  it("comes from the extension, can be overridden, and an unknown one lists the choices", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "corpus.txt");
      const unknown = await rejection(Promise.resolve().then(() => readPassages(path)));
      expect(unknown.message).toBe(
        `${path}: cannot tell the format from the file name; pass { format: "jsonl" | "tsv" }`,
      );
      const wrong = await rejection(
        Promise.resolve().then(() => readPassages(path, { format: "xml" as "tsv" })),
      );
      expect(wrong.message).toBe(`${path}: unknown format "xml" (expected one of jsonl, tsv)`);
      await writePassages(path, [{ docid: "1", title: "t", text: "x" }], { format: "tsv" });
      expect(await readFile(path, "utf8")).toBe("id\ttext\ttitle\n1\tx\tt\n");
      expect(await collect(readPassages(path, { format: "tsv" }))).toEqual([
        { docid: "1", title: "t", text: "x" },
      ]);
      const run = join(dir, "run.tsv.gz");
      await writeRun(run, [{ qid: "q", docid: "d", rank: 1, score: 2 }]);
      expect(await collect(readRun(run))).toEqual([{ qid: "q", docid: "d", rank: 1, score: 2 }]);
    });
  });
});
