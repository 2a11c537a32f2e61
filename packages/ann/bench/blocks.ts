// Exact search with the matrix in memory (exactSearch) vs streamed from disk in row blocks
// (exactSearch over row blocks), each in its own process for an honest peak RSS.
//   pnpm --filter @xqg/ann bench:blocks     (ANN_N=200000 ANN_DIM=768 ANN_QUERIES=1000 ANN_K=100
//                                           ANN_BLOCK_ROWS=16384,65536)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable, type Row, runIsolated } from "@xqg/bench-utils";
import type { BlocksReport } from "./blocks-child.js";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const n = env("ANN_N", 200_000);
const dim = env("ANN_DIM", 768);
const nq = env("ANN_QUERIES", 1000);
const k = env("ANN_K", 100);
const blockSizes = (process.env["ANN_BLOCK_ROWS"] ?? "16384,65536").split(",").map(Number);

const dir = mkdtempSync(join(tmpdir(), "xqg-ann-blocks-"));
const child = join(dirname(fileURLToPath(import.meta.url)), "blocks-child.ts");
const MIB = 1024 * 1024;

try {
  const { report } = await runIsolated<{ clusters: number }>(child, ["write", dir, n, dim, nq].map(String));
  const args = (blockRows: number) => ["search", dir, n, dim, nq, k, blockRows].map(String);
  const inMemory = await runIsolated<BlocksReport>(child, args(0));
  const rows: Row[] = [
    {
      search: "exactSearch (whole matrix read into memory)",
      "block rows": "-",
      "read + search s": inMemory.report.seconds,
      QPS: nq / inMemory.report.seconds,
      "× in-memory": 1,
      "peak RSS MiB": inMemory.peakRssMiB,
      "same results": "-",
    },
  ];
  for (const blockRows of blockSizes) {
    const streamed = await runIsolated<BlocksReport>(child, args(blockRows));
    rows.push({
      search: "exactSearch over row blocks (streamed from disk)",
      "block rows": blockRows,
      "read + search s": streamed.report.seconds,
      QPS: nq / streamed.report.seconds,
      "× in-memory": inMemory.report.seconds / streamed.report.seconds,
      "peak RSS MiB": streamed.peakRssMiB,
      "same results": streamed.report.digest === inMemory.report.digest ? "yes" : "NO",
    });
  }
  console.log(
    `n=${n} dim=${dim} (matrix ${((n * dim * 4) / MIB).toFixed(0)} MiB) queries=${nq} k=${k} clusters=${report.clusters}\n`,
  );
  console.log(formatTable(rows));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
