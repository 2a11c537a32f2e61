// Diffs two versions of a corpus (a 1% change: deletes, edits, appends), @xqg/corpus's fingerprint + diff
// against the naive Map-of-strings (docid → SHA-256 hex of title and text), each in its own process.
//   pnpm --filter @xqg/corpus bench:diff                                   (1,000,000 passages)
//   XQG_BENCH_PASSAGES=18000000 XQG_BENCH_NAIVE=0 pnpm --filter @xqg/corpus bench:diff   (18M, xqg only)
// Memory: what the process holds after a GC with the old table built, and with the diff done (the old table,
// the result, the naive side's Map and Set), beyond what it held at start (heap + array buffers), per old
// passage; the old table's own byteLength; the peak RSS, and the peak RSS less the RSS at start, per passage.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable, runIsolated } from "@xqg/bench-utils";

const here = dirname(fileURLToPath(import.meta.url));
const passages = Number(process.env["XQG_BENCH_PASSAGES"] ?? 1_000_000);
const withNaive = process.env["XQG_BENCH_NAIVE"] !== "0";

interface Report {
  counts: Record<string, number>;
  oldSeconds: number;
  diffSeconds: number;
  cpuSeconds: number;
  heldOld: number;
  heldAll: number;
  tableBytes: number;
  baselineRss: number;
}
const contenders = [
  ...(withNaive ? [{ name: "naive Map<docid, sha256 hex>", mode: "naive" }] : []),
  { name: "@xqg/corpus PassageFingerprint + diffPassages", mode: "xqg" },
];
const rows = [];
let expected: string | undefined;
for (const { name, mode } of contenders) {
  const { report, peakRssMiB } = await runIsolated<Report>(
    join(here, "diff-child.ts"),
    [mode, String(passages)],
    ["--expose-gc", "--max-old-space-size=16384"],
  );
  const counts = JSON.stringify(report.counts, Object.keys(report.counts).sort());
  if (expected !== undefined && counts !== expected)
    throw new Error(`${name}: counts ${counts}, expected ${expected}`);
  expected = counts;
  rows.push({
    implementation: name,
    passages,
    "old table s": report.oldSeconds,
    "diff s": report.diffSeconds,
    "diff passages/s": Math.round(passages / report.diffSeconds),
    "held B/passage (old table)": report.heldOld / passages,
    "held B/passage (after diff)": report.heldAll / passages,
    "old table B/passage (byteLength)": mode === "xqg" ? report.tableBytes / passages : "",
    "peak RSS (MiB)": peakRssMiB,
    "(peak RSS − start) B/passage": ((peakRssMiB * 2 ** 20 - report.baselineRss) / passages).toFixed(1),
  });
}
console.log(formatTable(rows));
console.log(`\ncounts: ${expected}`);
