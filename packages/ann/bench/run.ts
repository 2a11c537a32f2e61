// ANN benchmark: usearch-backed Index (float32/float16/int8) vs hnswlib-node vs exact search, on clustered unit vectors.
//   pnpm --filter @xqg/ann bench            (ANN_N=1000000 ANN_DIM=768 ANN_QUERIES=1000 ANN_K=100)
//   ANN_N=100000 pnpm --filter @xqg/ann bench   for a quick run
// hnswlib-node is installed on first use into .bench-cache/hnswlib (bench/hnswlib.ts); when that fails (no C++
// compiler, no network) its rows are skipped with the reason and the other contenders run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable, type Row, runIsolated } from "@xqg/bench-utils";
import { exactSearch } from "../src/index.js";
import { hitsOfRun } from "../test/hits.js";
import { clusteredRows, writeMatrix } from "./data.js";
import { ensureHnswlib, HNSWLIB_VERSION } from "./hnswlib.js";
import { jsBlockedExact } from "./js-exact.js";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const n = env("ANN_N", 1_000_000);
const dim = env("ANN_DIM", 768);
const nq = env("ANN_QUERIES", 1000);
const k = env("ANN_K", 100);
// About 1,000 rows per cluster, so that a query's top 100 lie inside its cluster rather than in the noise.
const clusters = env("ANN_CLUSTERS", Math.max(1, Math.round(n / 1000)));
const jsQueries = env("ANN_JS_QUERIES", 4);
const efs = process.env["ANN_EFS"] ?? "128,256,512";
const connectivity = env("ANN_M", 16);
const expansionAdd = env("ANN_EF_ADD", 128);
const contenders = (
  process.env["ANN_CONTENDERS"] ?? "usearch:float32,usearch:float16,usearch:int8,hnswlib:float32"
).split(",");

const dir = mkdtempSync(join(tmpdir(), "xqg-ann-bench-"));
const here = dirname(fileURLToPath(import.meta.url));
const seconds = (start: number) => (performance.now() - start) / 1000;

async function prepare(): Promise<{ exactQps: number; jsQps: number; jsAgree: number }> {
  const data = clusteredRows(n, dim, { clusters, spread: 1, seed: 1, centreSeed: 42 });
  const queries = clusteredRows(nq, dim, { clusters, spread: 1, seed: 2, centreSeed: 42 });
  writeMatrix(join(dir, "data.f32"), data);
  writeMatrix(join(dir, "queries.f32"), queries);
  const ids = Array.from({ length: n }, (_, i) => String(i));
  let start = performance.now();
  // one batch: the whole matrix in one usearch call, as the in-memory search of a matrix this size
  const truth = hitsOfRun(await exactSearch(queries, data, { dimensions: dim, depth: k, ids, batchSize: n }));
  const exactQps = nq / seconds(start);
  const rows = new Int32Array(nq * k);
  for (const [q, r] of truth.entries()) for (const [i, id] of r.ids.entries()) rows[q * k + i] = Number(id);
  writeMatrix(join(dir, "truth.i32"), new Float32Array(rows.buffer));
  start = performance.now();
  const js = jsBlockedExact(data, queries.subarray(0, jsQueries * dim), dim, k);
  const jsQps = jsQueries / seconds(start);
  let same = 0;
  for (const [q, r] of js.entries()) for (const row of r) if (truth[q]!.ids.includes(String(row))) same++;
  return { exactQps, jsQps, jsAgree: same / (jsQueries * k) };
}

try {
  // Installed (or found) before the long data preparation, so that a failure shows at once.
  const hnswlib = contenders.some((c) => c.startsWith("hnswlib")) ? ensureHnswlib() : { ok: true as const };
  const skipped = hnswlib.ok ? null : `hnswlib-node ${HNSWLIB_VERSION} anchor skipped: ${hnswlib.reason}`;
  if (skipped) console.error(skipped);
  let start = performance.now();
  const { exactQps, jsQps, jsAgree } = await prepare();
  console.error(`data + ground truth ready in ${seconds(start).toFixed(0)} s`);
  const rows: Row[] = [
    {
      contender: "exactSearch (usearch SIMD + exact rescoring)",
      dtype: "float32",
      "build s": 0,
      "build CPU s": 0,
      ef: "-",
      QPS: exactQps,
      "QPS 1 thread": "-",
      "recall@100": 1,
      "× exact": 1,
      "peak RSS MiB": "-",
    },
    {
      contender: "JS blocked matmul + heap (1 thread)",
      dtype: "float32",
      "build s": 0,
      "build CPU s": 0,
      ef: "-",
      QPS: jsQps,
      "QPS 1 thread": jsQps,
      "recall@100": jsAgree,
      "× exact": jsQps / exactQps,
      "peak RSS MiB": "-",
    },
  ];
  for (const contender of contenders) {
    const [kind, dtype] = contender.split(":") as [string, string];
    if (kind === "hnswlib" && skipped) continue;
    start = performance.now();
    const args = [kind, dtype, dir, n, dim, nq, k, efs, connectivity, expansionAdd].map(String);
    const { report, peakRssMiB } = await runIsolated<{
      buildSeconds: number;
      buildCpuSeconds: number;
      points: Array<{ ef: number; qps: number; qps1: number; recall: number }>;
    }>(join(here, "contender.ts"), args, ["--expose-gc"]);
    console.error(`${contender} done in ${seconds(start).toFixed(0)} s`);
    for (const p of report.points) {
      rows.push({
        contender:
          kind === "hnswlib"
            ? `hnswlib-node ${HNSWLIB_VERSION} (1 thread)`
            : "@xqg/ann Index (usearch 2.26.2)",
        dtype,
        "build s": report.buildSeconds,
        "build CPU s": report.buildCpuSeconds,
        ef: p.ef,
        QPS: p.qps,
        "QPS 1 thread": p.qps1,
        "recall@100": p.recall,
        "× exact": p.qps / exactQps,
        "peak RSS MiB": peakRssMiB,
      });
    }
    rmSync(join(dir, `index-${dtype}.usearch`), { force: true });
  }
  console.log(
    `n=${n} dim=${dim} queries=${nq} k=${k} clusters=${clusters} M=${connectivity} efConstruction=${expansionAdd}\n`,
  );
  console.log(formatTable(rows));
  if (skipped) console.log(`\n${skipped}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
