// Exact search over more passages than a V8 Map holds (2^24 = 16,777,216; the paper's corpus has 18M): the
// repeated-id check of `xqg search --embeddings` used a Map and stopped there with "Map maximum size exceeded".
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { idsPath, writeIds } from "@xqg/core";
import { createNpyWriter } from "@xqg/corpus";
import { withTempDir } from "@xqg/test-utils";
import { expect, it } from "vitest";
import { xqg } from "./helpers.js";

const ROWS = 2 ** 24 + 2;

async function writeLines(path: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  let chunk = "";
  for (let i = 0; i < n; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error) => (e ? reject(e) : resolve())));
}

it(`exact search over ${ROWS.toLocaleString("en")} passages (2^24 + 2): every id checked, the right top 3`, async () => {
  await withTempDir(async (dir) => {
    // one dimension; row i scores i / ROWS against the query 1, so the last rows rank first
    const passages = join(dir, "passages.npy");
    const writer = await createNpyWriter(passages, { dimensions: 1 });
    const block = 1 << 20;
    for (let start = 0; start < ROWS; start += block) {
      const rows = new Float32Array(Math.min(block, ROWS - start));
      for (let i = 0; i < rows.length; i++) rows[i] = (start + i) / ROWS;
      await writer.append(rows);
    }
    await writer.close();
    await writeLines(idsPath(passages), ROWS, (i) => `${i + 1}\n`);
    const queries = join(dir, "queries.npy");
    const q = await createNpyWriter(queries, { dimensions: 1 });
    await q.append(new Float32Array([1]));
    await q.close();
    await writeIds(idsPath(queries), ["q1"]);
    const out = join(dir, "run.trec");
    const run = await xqg(
      "search",
      "--embeddings",
      passages,
      "--queries",
      queries,
      "--out",
      out,
      "--depth",
      "3",
      "--quiet",
      "--threads",
      "1",
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const docids = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((line) => line.split(" ")[2]);
    expect(docids).toEqual([String(ROWS), String(ROWS - 1), String(ROWS - 2)]);
  });
}, 300_000);
