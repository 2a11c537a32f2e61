// Exact search split into R row ranges (one per machine, as the runner's `searchRanges: R`) against one
// streamed search of the whole matrix, all in this process and this run:
//   - anchor: exactSearch over the whole .npy file (blocks of ANN_BLOCK_ROWS rows), as a Run;
//   - per R: exactSearch with `rows` over each range (split as @xqg/corpus `shard` splits shards), each range's
//     result saved with saveRankedRows (the file the runner's range units write) and loaded back, then
//     mergeRankedRows;
//   - the merged rows, mapped to ids, must equal the anchor's ids and scores exactly (throws otherwise).
//   pnpm --filter @xqg/ann bench:ranges     (ANN_N=200000 ANN_DIM=768 ANN_QUERIES=1000 ANN_K=100
//                                           ANN_RANGES=1,2,4,8 ANN_BLOCK_ROWS=65536 ANN_REPEATS=1: each search
//                                           run that many times, the fastest kept)
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTable, type Row } from "@xqg/bench-utils";
import { createNpyWriter, openNpy, shard } from "@xqg/corpus";
import {
  exactSearch,
  loadRankedRows,
  mergeRankedRows,
  type RankedRows,
  saveRankedRows,
} from "../src/index.js";
import { type Hits, hitsOfRun } from "../test/hits.js";
import { clusteredRows } from "./data.js";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const n = env("ANN_N", 200_000);
const dim = env("ANN_DIM", 768);
const nq = env("ANN_QUERIES", 1000);
const k = env("ANN_K", 100);
const blockRows = env("ANN_BLOCK_ROWS", 65_536);
const rangeCounts = (process.env["ANN_RANGES"] ?? "1,2,4,8").split(",").map(Number);
const repeats = env("ANN_REPEATS", 1);

const MIB = 1024 * 1024;

/** Wall and CPU seconds (user + system, every thread of this process: usearch searches on all cores). */
interface Timing {
  wall: number;
  cpu: number;
}

async function timed<T>(fn: () => T | Promise<T>): Promise<Timing & { result: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await fn();
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { result, wall, cpu: (used.user + used.system) / 1e6 };
}

/** `fn` run `repeats` times; the last result with the lowest wall and CPU seen (other jobs share the cores). */
async function fastest<T>(fn: () => Promise<T>): Promise<Timing & { result: T }> {
  let best = await timed(fn);
  for (let i = 1; i < repeats; i++) {
    const next = await timed(fn);
    best = { result: next.result, wall: Math.min(best.wall, next.wall), cpu: Math.min(best.cpu, next.cpu) };
  }
  return best;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const options = { dimensions: dim, depth: k, metric: "ip" as const };

/** Writes the passages as a float32 .npy file (generated a block at a time) and returns the queries. */
async function writeData(path: string): Promise<{ queries: Float32Array; clusters: number }> {
  const clusters = Math.max(1, Math.round(n / 1000));
  const draw = (rows: number, seed: number) =>
    clusteredRows(rows, dim, { clusters, spread: 1, seed, centreSeed: 42 });
  const writer = await createNpyWriter(path, { dimensions: dim });
  for (let start = 0, seed = 1; start < n; start += blockRows, seed++)
    await writer.append(draw(Math.min(blockRows, n - start), seed));
  await writer.close();
  return { queries: draw(nq, 1_000_003), clusters };
}

/** Throws unless the merged rows, as ids, give exactly the anchor's ids and scores. */
function checkSame(anchor: readonly Hits[], merged: readonly RankedRows[], ranges: number): void {
  if (merged.length !== anchor.length)
    throw new Error(`R=${ranges}: ${merged.length} merged lists for ${anchor.length} queries`);
  anchor.forEach((want, q) => {
    const got = merged[q]!;
    const same =
      got.rows.length === want.ids.length &&
      got.rows.every((row, i) => `d${row}` === want.ids[i] && Object.is(got.scores[i], want.scores[i]));
    if (!same)
      throw new Error(
        `R=${ranges}: query ${q} differs from the anchor (got rows ${got.rows.slice(0, 5).join(",")}…, ` +
          `want ${want.ids.slice(0, 5).join(",")}…)`,
      );
  });
}

const dir = mkdtempSync(join(tmpdir(), "xqg-ann-ranges-"));
const path = join(dir, "passages.npy");

try {
  const { queries, clusters } = await writeData(path);
  const reader = await openNpy(path);
  try {
    const ids = (row: number) => `d${row}`;
    // Untimed warm-up (JIT, first-call setup), so the anchor is not charged for what the ranges then skip.
    const warm = { start: 0, end: Math.min(n, blockRows) };
    await exactSearch(queries, reader.blocks({ batchSize: blockRows, ...warm }), { ...options, rows: warm });
    const anchor = await fastest(async () =>
      hitsOfRun(await exactSearch(queries, reader.blocks({ batchSize: blockRows }), { ...options, ids })),
    );
    const table: Row[] = [
      {
        R: "anchor",
        "rows per range": n,
        "search s: sum over ranges": anchor.wall,
        "search CPU s: sum": anchor.cpu,
        "slowest range s": anchor.wall,
        "JSON MiB per range": "-",
        "write JSON s: sum": "-",
        "parse JSON s": "-",
        "merge ms": "-",
        "work × anchor: wall": 1,
        "work × anchor: CPU": 1,
        "wall on R machines s": anchor.wall,
        "speed-up": 1,
        QPS: nq / anchor.wall,
        "same results": "-",
      },
    ];
    for (const ranges of rangeCounts) {
      const searches: Timing[] = [];
      const writes: Timing[] = [];
      const bytes: number[] = [];
      const files: string[] = [];
      for (let index = 0; index < ranges; index++) {
        const { start, end } = shard({ index, count: ranges, total: n });
        const search = await fastest(() =>
          exactSearch(queries, reader.blocks({ batchSize: blockRows, start, end }), {
            ...options,
            rows: { start, end },
          }),
        );
        const file = join(dir, `rows-${ranges}-${index}.jsonl`);
        const write = await timed(() => saveRankedRows(file, search.result));
        searches.push(search);
        writes.push(write);
        bytes.push(statSync(file).size);
        files.push(file);
      }
      // The merging machine parses every part, then merges.
      const parse = await timed(() =>
        Promise.all(files.map((file) => loadRankedRows(file, { queries: nq }))),
      );
      const merge = await timed(() => mergeRankedRows(parse.result, k));
      checkSame(anchor.result, merge.result, ranges);
      const steps = [...searches, ...writes, parse, merge];
      // On R machines: the slowest range with its own JSON writing, then the parsing and the merge.
      const wall = Math.max(...searches.map((s, i) => s.wall + writes[i]!.wall)) + parse.wall + merge.wall;
      table.push({
        R: ranges,
        "rows per range": shard({ index: 0, count: ranges, total: n }).end,
        "search s: sum over ranges": sum(searches.map((s) => s.wall)),
        "search CPU s: sum": sum(searches.map((s) => s.cpu)),
        "slowest range s": Math.max(...searches.map((s) => s.wall)),
        "JSON MiB per range": Math.max(...bytes) / MIB,
        "write JSON s: sum": sum(writes.map((w) => w.wall)),
        "parse JSON s": parse.wall,
        "merge ms": merge.wall * 1000,
        "work × anchor: wall": sum(steps.map((s) => s.wall)) / anchor.wall,
        "work × anchor: CPU": sum(steps.map((s) => s.cpu)) / anchor.cpu,
        "wall on R machines s": wall,
        "speed-up": anchor.wall / wall,
        QPS: nq / wall,
        "same results": "yes",
      });
    }
    console.log(
      `n=${n} dim=${dim} (matrix ${((n * dim * 4) / MIB).toFixed(0)} MiB) queries=${nq} k=${k} ` +
        `clusters=${clusters} block rows=${blockRows} repeats=${repeats}\n`,
    );
    console.log(formatTable(table));
  } finally {
    await reader.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
