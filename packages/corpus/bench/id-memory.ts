/**
 * The memory that grows with the corpus: what holding every passage id costs, per passage, in the places that
 * hold them all by design. Each task runs in its own Node process (`--expose-gc`), on DPR-style ids ("1" … "N",
 * as psgs_w100.tsv numbers its 21M passages), at each size:
 *
 * - `read-duplicates`: `readPassages` of a DPR TSV corpus with `duplicates: "error"` (the default), measured at
 *   its last record, while the duplicate table holds every id and its line (IdTable + a float64 per id);
 * - `read-ids`: `readIds` of an ids sidecar: every id as a string in one array (what exact search, the HNSW
 *   index stage and merges load);
 * - `id-table`: `IdTable.from` over those ids (the repeated-id check of a search, the ann index's id map);
 * - `concat-ids`: `concatNpy` of 64 shard matrices with their ids sidecars (the runner's passage and Σq
 *   merges): it collects every id before writing the merged sidecar. Peak RSS growth, since the ids are only
 *   held inside the call.
 *
 * Retained bytes are V8's heapUsed + external after a full GC, minus the same before the task (strings, arrays
 * and typed arrays all count there); "peak RSS growth" is VmHWM at the end minus RSS before the task.
 *
 *   tsx bench/id-memory.ts                  # sizes 1M, 4M, 18M (XQG_BENCH_SIZES=1000000,4000000,18000000)
 */
import { createWriteStream, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable, reportFromChild, runIsolated } from "@xqg/bench-utils";
import { IdTable, idsPath, readIds } from "@xqg/core";
import { concatNpy, createNpyWriter, readPassages } from "../src/index.js";

const TASKS = ["read-duplicates", "read-ids", "id-table", "concat-ids"] as const;
type Task = (typeof TASKS)[number];
interface Report {
  task: Task;
  n: number;
  retainedBytes: number | undefined;
  rssGrowthBytes: number;
  seconds: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
function retained(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
function peakRss(): number {
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))![1]) * 1024;
}

async function writeLines(path: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  let chunk = "";
  for (let i = 1; i <= n; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error) => (e ? reject(e) : resolve())));
}

async function child(task: Task, n: number, dir: string): Promise<void> {
  if (!gc) throw new Error("run with --expose-gc");
  // inputs first, outside the measurement
  const corpus = join(dir, "psgs.tsv");
  const ids = join(dir, "passages.ids");
  const parts: string[] = [];
  if (task === "read-duplicates") {
    await writeFile(corpus, "id\ttext\ttitle\n");
    await writeLines(`${corpus}.body`, n, (i) => `${i}\tx\tt\n`);
    const { appendFile, readFile } = await import("node:fs/promises");
    await appendFile(corpus, await readFile(`${corpus}.body`));
    await rm(`${corpus}.body`);
  } else if (task === "concat-ids") {
    const count = 64;
    for (let p = 0; p < count; p++) {
      const start = Math.floor((p * n) / count);
      const end = Math.floor(((p + 1) * n) / count);
      const part = join(dir, `part${p}.npy`);
      const writer = await createNpyWriter(part, { dimensions: 1 });
      await writer.append(new Float32Array(end - start));
      await writer.close();
      await writeLines(idsPath(part), end - start, (i) => `${start + i}\n`);
      parts.push(part);
    }
  } else {
    await writeLines(ids, n, (i) => `${i}\n`);
  }
  const rssBefore = process.memoryUsage().rss;
  const before = retained();
  const started = performance.now();
  let held: number | undefined;
  let keep: unknown;
  if (task === "read-duplicates") {
    let seen = 0;
    for await (const passage of readPassages(corpus, { duplicates: "error" })) {
      if (++seen === n) {
        // the last record: the reader's duplicate table holds every id (and the record itself, a few bytes)
        held = retained() - before;
        keep = passage;
      }
    }
  } else if (task === "read-ids") {
    keep = await readIds(ids);
    held = retained() - before;
  } else if (task === "id-table") {
    const all = await readIds(ids);
    const afterIds = retained();
    keep = [all, IdTable.from(all)];
    held = retained() - afterIds;
  } else {
    await concatNpy(parts, { out: join(dir, "merged.npy"), ids: join(dir, "merged.ids") });
  }
  const seconds = (performance.now() - started) / 1000;
  void keep;
  reportFromChild({
    task,
    n,
    retainedBytes: held,
    rssGrowthBytes: peakRss() - rssBefore,
    seconds,
  } satisfies Report);
}

async function main(): Promise<void> {
  const sizes = (process.env["XQG_BENCH_SIZES"] ?? "1000000,4000000,18000000").split(",").map(Number);
  const rows: Array<Record<string, string | number>> = [];
  for (const task of TASKS) {
    for (const n of sizes) {
      const dir = await mkdtemp(join(tmpdir(), "xqg-id-memory-"));
      try {
        const { report } = await runIsolated<Report>(
          fileURLToPath(import.meta.url),
          [task, String(n), dir],
          ["--expose-gc"],
        );
        rows.push({
          task,
          passages: n,
          "retained MiB": report.retainedBytes === undefined ? "-" : report.retainedBytes / 2 ** 20,
          "retained B/passage": report.retainedBytes === undefined ? "-" : report.retainedBytes / n,
          "peak RSS growth MiB": report.rssGrowthBytes / 2 ** 20,
          "peak RSS growth B/passage": report.rssGrowthBytes / n,
          seconds: report.seconds,
        });
        process.stderr.write(`${task} ${n}: done\n`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  console.log(formatTable(rows as never));
}

const [task, n, dir] = process.argv.slice(2);
if (task !== undefined) await child(task as Task, Number(n), dir!);
else await main();
