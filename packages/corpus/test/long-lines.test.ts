import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { describe, expect, it } from "vitest";
import { readPassages } from "../src/index.js";
import { lineBatches, MAX_LINE_CHARS } from "../src/read/lines.js";

describe("a line too long to be a record", () => {
  it("is refused at its line number, with the limit, before it exhausts memory", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "c.jsonl");
      const ok = JSON.stringify({ docid: "p1", title: "t", text: "fine" });
      await writeFile(file, `${ok}\n${ok.replace("p1", "p2")}\n${"x".repeat(300_000)}\n${ok}\n`);
      const read = async () => {
        for await (const _ of lineBatches(file, 100_000)) {
          // reading
        }
      };
      await expect(read()).rejects.toThrow(`${file}:3: line is longer than 100,000 characters`);
    });
  });

  it("counts a long line across many read chunks without copying it over and over (50 MB in seconds)", async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, "c.jsonl");
      const long = JSON.stringify({ docid: "big", title: "t", text: "y".repeat(50_000_000) });
      await writeFile(file, `${long}\n`);
      const started = Date.now();
      await expect(readPassages(file)[Symbol.asyncIterator]().next()).rejects.toThrow(
        `${file}:1: line is longer than ${MAX_LINE_CHARS.toLocaleString("en")} characters`,
      );
      expect(Date.now() - started).toBeLessThan(20_000);
      let lines = 0;
      for await (const batch of lineBatches(file, 60_000_000)) lines += batch.lines.length;
      expect(lines).toBe(1);
    });
  });
});
