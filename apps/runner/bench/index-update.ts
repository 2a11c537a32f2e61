// The HNSW index unit after a change of its embedding matrix (issue #23): `xqg index` updating the index it built
// before (fingerprint diff, Index.load + remove + upsert of the changed rows + save, through staging) against
// `xqg index` building one anew over the same changed matrix (the anchor), in one process and one run:
//   1. N clustered unit vectors × DIM (the row's docid `d<i>`), `xqg index` over them;
//   2. the matrix changed by CHANGE: a third of it rows deleted, a third given new vectors, a third appended;
//   3. `xqg index` again on the same output (the update) and on a new one (the rebuild), same settings;
//   4. wall time of each `xqg index` (hashing, fingerprint and all), and recall@100 of both indexes against
//      exact search over the changed matrix (500 queries from the same clusters).
//   pnpm --filter xqg bench:index-update      (XQG_BENCH_VECTORS=50000 XQG_BENCH_DIM=128 XQG_BENCH_CHANGE=0.01
//                                              XQG_BENCH_THREADS=1)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { exactSearch, Index } from "@xqg/ann";
import { formatTable } from "@xqg/bench-utils";
import { idsPath, writeIds } from "@xqg/core";
import { writeNpy } from "@xqg/corpus";
import { main } from "../src/cli/main.js";

const N = Number(process.env["XQG_BENCH_VECTORS"] ?? 50_000);
const DIM = Number(process.env["XQG_BENCH_DIM"] ?? 128);
const CHANGE = Number(process.env["XQG_BENCH_CHANGE"] ?? 0.01);
const THREADS = Number(process.env["XQG_BENCH_THREADS"] ?? 1);
const QUERIES = 500;
const K = 100;
const SETTINGS = { connectivity: 16, expansionAdd: 128, expansionSearch: 128 };
const FLAGS = [
  "--connectivity",
  String(SETTINGS.connectivity),
  "--expansion-add",
  String(SETTINGS.expansionAdd),
  "--expansion-search",
  String(SETTINGS.expansionSearch),
  "--threads",
  String(THREADS),
];

/** Seeded uniform numbers in [0, 1) (mulberry32). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `rows` unit vectors around one of N / 1000 fixed centres each (centre + noise of the centre's norm). */
function clustered(rows: number, seed: number): Float32Array {
  const clusters = Math.max(1, Math.round(N / 1000));
  const centre = uniform(42);
  const centres = Float32Array.from({ length: clusters * DIM }, () => centre() - 0.5);
  const next = uniform(seed);
  const out = new Float32Array(rows * DIM);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(next() * clusters);
    let norm = 0;
    for (let j = 0; j < DIM; j++) {
      const v = centres[c * DIM + j]! + next() - 0.5;
      out[r * DIM + j] = v;
      norm += v * v;
    }
    for (let j = 0; j < DIM; j++) out[r * DIM + j]! /= Math.sqrt(norm);
  }
  return out;
}

async function writeMatrix(path: string, ids: readonly string[], rows: Float32Array): Promise<void> {
  await writeNpy(path, rows, { dimensions: DIM });
  await writeIds(idsPath(path), ids);
}

/** `xqg index`; returns its wall time in seconds and its log. */
async function index(embeddings: string, out: string): Promise<{ seconds: number; log: string }> {
  const stderr = new PassThrough();
  let log = "";
  stderr.on("data", (c) => {
    log += c;
  });
  const started = performance.now();
  const code = await main(["index", "--embeddings", embeddings, "--out", out, ...FLAGS], {
    stdout: new PassThrough(),
    stderr,
  });
  if (code !== 0) throw new Error(log);
  return { seconds: (performance.now() - started) / 1000, log };
}

const dir = await mkdtemp(join(tmpdir(), "xqg-bench-index-update-"));
try {
  const matrix = join(dir, "embeddings.npy");
  const ids = Array.from({ length: N }, (_, i) => `d${i}`);
  const rows = clustered(N, 1);
  await writeMatrix(matrix, ids, rows);
  const [updated, rebuilt] = [join(dir, "updated", "index.usearch"), join(dir, "rebuilt", "index.usearch")];
  const base = await index(matrix, updated);

  // the change, a third each: rows deleted, rows given a new vector, rows appended (spread over the matrix)
  const third = Math.max(1, Math.round((N * CHANGE) / 3));
  const step = Math.floor(N / (2 * third));
  const deleted = new Set(Array.from({ length: third }, (_, i) => i * 2 * step));
  const edited = new Map(Array.from({ length: third }, (_, i) => [i * 2 * step + step, i]));
  const fresh = clustered(2 * third, 2);
  const newIds: string[] = [];
  const newRows = new Float32Array((N + third) * DIM);
  for (let i = 0; i < N; i++) {
    if (deleted.has(i)) continue;
    const j = edited.get(i);
    newRows.set(
      j === undefined ? rows.subarray(i * DIM, (i + 1) * DIM) : fresh.subarray(j * DIM, (j + 1) * DIM),
      newIds.length * DIM,
    );
    newIds.push(ids[i]!);
  }
  for (let j = 0; j < third; j++) {
    newRows.set(fresh.subarray((third + j) * DIM, (third + j + 1) * DIM), newIds.length * DIM);
    newIds.push(`new${j}`);
  }
  const changed = newRows.subarray(0, newIds.length * DIM);
  await writeMatrix(matrix, newIds, changed);

  const update = await index(matrix, updated);
  const rebuild = await index(matrix, rebuilt);
  const line = update.log.split("\n").find((l) => /: (updated|rebuilt):/.test(l));
  if (!line?.includes("updated:")) throw new Error(`the index was not updated:\n${update.log}`);

  const queries = clustered(QUERIES, 3);
  const exact = await exactSearch(queries, changed, { dimensions: DIM, depth: K, ids: newIds });
  const recall = async (path: string) => {
    const loaded = await Index.load(path, { expansionSearch: SETTINGS.expansionSearch });
    const run = await loaded.searchBatch(queries, K, { threads: THREADS });
    let hits = 0;
    for (const [qid, truth] of exact) for (const id of run.get(qid)!.keys()) if (truth.has(id)) hits++;
    return { recall: hits / (exact.size * K), size: loaded.size, removed: loaded.removed };
  };
  const [u, r] = [await recall(updated), await recall(rebuilt)];
  console.log(
    `N=${N} × ${DIM} clustered unit vectors, change ${(CHANGE * 100).toFixed(1)}%: ${third} deleted, ${third} ` +
      `given new vectors, ${third} appended; M ${SETTINGS.connectivity}, efConstruction ` +
      `${SETTINGS.expansionAdd}, ef ${SETTINGS.expansionSearch}, ${THREADS} thread(s); first build ` +
      `${base.seconds.toFixed(2)} s\n`,
  );
  console.log(
    formatTable([
      {
        way: "xqg index: update (previous index + changed rows)",
        seconds: update.seconds,
        vectors: u.size,
        "removed (held)": u.removed,
        [`recall@${K}`]: u.recall.toFixed(4),
      },
      {
        way: "xqg index: rebuild (anchor)",
        seconds: rebuild.seconds,
        vectors: r.size,
        "removed (held)": r.removed,
        [`recall@${K}`]: r.recall.toFixed(4),
      },
    ]),
  );
  console.log(
    `\n${line.replace(/^xqg: /, "")}; update ${(rebuild.seconds / update.seconds).toFixed(1)}× faster; recall gap ` +
      `${(r.recall - u.recall).toFixed(4)}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
