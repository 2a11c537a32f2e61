// Shard reads of a synthetic JSONL corpus at N shards: bytes read and time to the first record, for the
// scanning path (read from the first record and drop those before the range: shard(spec).records) and for the
// seeking path (readPassages with { range, index }: start at the indexed byte offset nearest before the range).
//   pnpm --filter @xqg/corpus bench:shards                     (100,000 passages ≈ 60 MiB, N = 64)
//   XQG_BENCH_PASSAGES=1000000 XQG_BENCH_SHARDS=64 pnpm --filter @xqg/corpus bench:shards
// Bytes read are the process's read(2) bytes (/proc/self/io rchar), so they count what the file system
// delivered, read-ahead included.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "@xqg/bench-utils";
import { indexRecords, type RecordIndex, readPassages, shard } from "../src/index.js";
import { generateCorpus } from "./generate.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const passages = Number(process.env["XQG_BENCH_PASSAGES"] ?? 100_000);
const count = Number(process.env["XQG_BENCH_SHARDS"] ?? 64);
const input = join(here, "..", ".bench-cache", `corpus-${passages}.jsonl`);

const MiB = 1024 * 1024;
const rchar = (): number => Number(/rchar:\s*(\d+)/.exec(readFileSync("/proc/self/io", "utf8"))![1]);

interface Measure {
  bytes: number;
  firstMs: number;
  totalMs: number;
  records: number;
}

async function measure(records: () => AsyncIterable<unknown>): Promise<Measure> {
  const before = rchar();
  const started = performance.now();
  let firstMs = Number.NaN;
  let n = 0;
  for await (const _ of records()) {
    if (n === 0) firstMs = performance.now() - started;
    n++;
  }
  return { bytes: rchar() - before, firstMs, totalMs: performance.now() - started, records: n };
}

console.log(`generating ${passages} passages into ${input} (reused when present) ...`);
const size = await generateCorpus(input, passages);
console.log(`${(size / MiB).toFixed(1)} MiB, ${count} shards`);

let built: RecordIndex | undefined;
const indexed = await measure(async function* () {
  built = await indexRecords(readPassages(input));
  yield built;
});
const index = built!;
console.log(
  `index: one pass of ${(indexed.bytes / MiB).toFixed(1)} MiB in ${(indexed.totalMs / 1000).toFixed(2)} s; ` +
    `${index.offsets.length} entries (every ${index.every}), ${JSON.stringify(index).length} bytes as JSON`,
);

const scanned = async (i: number) => {
  const spec = { index: i, count, total: index.records };
  return measure(() => shard(spec).records(readPassages(input)));
};
const seeked = async (i: number) => {
  const { start, end } = shard({ index: i, count, total: index.records });
  return measure(() => readPassages(input, { range: { start, end }, index }));
};

const all = process.env["XQG_BENCH_ALL"] === "1";
const shown = [0, Math.floor(count / 2), count - 1];
const rows = [];
const totals = { scan: 0, seek: 0 };
for (const [path, read] of [
  ["scan (before)", scanned],
  ["seek (after)", seeked],
] as const) {
  const key = path.startsWith("scan") ? "scan" : "seek";
  const which = all || key === "seek" ? Array.from({ length: count }, (_, i) => i) : shown;
  for (const i of which) {
    // the shards shown: best of 3 (time to the first record is a few ms, easily stretched by other work)
    const m = await read(i);
    for (let round = 1; round < (shown.includes(i) ? 3 : 1); round++) {
      const again = await read(i);
      m.firstMs = Math.min(m.firstMs, again.firstMs);
      m.totalMs = Math.min(m.totalMs, again.totalMs);
    }
    const expected = shard({ index: i, count, total: index.records });
    if (m.records !== expected.end - expected.start) throw new Error(`shard ${i}: ${m.records} records`);
    totals[key] += m.bytes;
    if (shown.includes(i))
      rows.push({
        path,
        shard: `${i}/${count}`,
        "MiB read": m.bytes / MiB,
        "× size/N": m.bytes / (size / count),
        "first record ms": m.firstMs,
        "shard ms": m.totalMs,
      });
  }
  if (which.length === count)
    rows.push({
      path,
      shard: `all ${count}`,
      "MiB read": totals[key] / MiB,
      "× size/N": totals[key] / size,
      "first record ms": Number.NaN,
      "shard ms": Number.NaN,
    });
}
console.log(formatTable(rows));
console.log(
  `\n× size/N: bytes read over the file's size / N (for "all", over the file's size). The index pass (above) is` +
    " paid once per input digest (the runner keeps it in .xqg-cache/derived/), like the digest itself.",
);
