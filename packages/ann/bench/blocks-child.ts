// One contender of bench/blocks.ts: blockRows 0 reads the whole matrix and runs exactSearch; otherwise the
// matrix is read from disk `blockRows` rows at a time (fresh arrays, like @xqg/corpus NpyReader.blocks).
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { reportFromChild } from "@xqg/bench-utils";
import { exactSearch, exactSearchBlocks, type RowBlock, type SearchResult } from "../src/index.js";
import { readMatrix } from "./data.js";

export interface BlocksReport {
  seconds: number;
  /** sha256 of every id and score, to check that both searches return the same results. */
  digest: string;
}

const [dir, nArg, dimArg, nqArg, kArg, blockArg] = process.argv.slice(2);
const n = Number(nArg);
const dim = Number(dimArg);
const k = Number(kArg);
const blockRows = Number(blockArg);
const queries = readMatrix(join(dir!, "queries.f32"), Number(nqArg) * dim);
const ids = Array.from({ length: n }, (_, i) => `d${i}`);

async function* fileBlocks(path: string): AsyncIterable<RowBlock> {
  const file = await open(path, "r");
  try {
    for (let start = 0; start < n; start += blockRows) {
      const rows = new Float32Array(Math.min(blockRows, n - start) * dim);
      const bytes = new Uint8Array(rows.buffer);
      let at = 0;
      while (at < bytes.length) {
        const { bytesRead } = await file.read(bytes, at, bytes.length - at, start * dim * 4 + at);
        if (bytesRead === 0) throw new Error(`${path}: ended at row ${start}`);
        at += bytesRead;
      }
      yield { start, rows };
    }
  } finally {
    await file.close();
  }
}

const started = performance.now();
const results: SearchResult[] =
  blockRows === 0
    ? exactSearch(readMatrix(join(dir!, "data.f32"), n * dim), ids, queries, k, { dimensions: dim })
    : await exactSearchBlocks(fileBlocks(join(dir!, "data.f32")), ids, queries, k, { dimensions: dim });
const seconds = (performance.now() - started) / 1000;
const hash = createHash("sha256");
for (const r of results) hash.update(`${r.ids.join(",")}|${Array.from(r.scores).join(",")}\n`);
reportFromChild({ seconds, digest: hash.digest("hex") } satisfies BlocksReport);
