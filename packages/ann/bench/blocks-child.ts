// One step of bench/blocks.ts in its own process: "write" writes the data; "search" with blockRows 0 reads
// the whole matrix and runs exactSearch, otherwise the matrix is read from disk `blockRows` rows at a time
// (fresh arrays, like @xqg/corpus NpyReader.blocks) into exactSearch.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { reportFromChild } from "@xqg/bench-utils";
import { exactSearch, type RowBlock } from "../src/index.js";
import { type Hits, hitsOfRun } from "../test/hits.js";
import { clusteredRows, readMatrix, writeMatrix } from "./data.js";

export interface BlocksReport {
  seconds: number;
  /** sha256 of every id and score, to check that both searches return the same results. */
  digest: string;
}

const [mode, dir, nArg, dimArg, nqArg, kArg, blockArg] = process.argv.slice(2);
const n = Number(nArg);
const dim = Number(dimArg);
const nq = Number(nqArg);
const k = Number(kArg);
const blockRows = Number(blockArg);

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

if (mode === "write") {
  // The parent must not hold the matrix: a child's peak RSS starts from its parent's RSS (fork, then exec).
  const clusters = Math.max(1, Math.round(n / 1000));
  const data = (rows: number, seed: number) =>
    clusteredRows(rows, dim, { clusters, spread: 1, seed, centreSeed: 42 });
  writeMatrix(join(dir!, "data.f32"), data(n, 1));
  writeMatrix(join(dir!, "queries.f32"), data(nq, 2));
  reportFromChild({ clusters });
} else {
  const queries = readMatrix(join(dir!, "queries.f32"), nq * dim);
  const ids = Array.from({ length: n }, (_, i) => `d${i}`);
  const started = performance.now();
  const options = { dimensions: dim, depth: k, ids };
  const results: Hits[] = hitsOfRun(
    blockRows === 0
      ? await exactSearch(queries, readMatrix(join(dir!, "data.f32"), n * dim), { ...options, batchSize: n })
      : await exactSearch(queries, fileBlocks(join(dir!, "data.f32")), options),
  );
  const seconds = (performance.now() - started) / 1000;
  const hash = createHash("sha256");
  for (const r of results) hash.update(`${r.ids.join(",")}|${Array.from(r.scores).join(",")}\n`);
  reportFromChild({ seconds, digest: hash.digest("hex") } satisfies BlocksReport);
}
