// Reads a generated JSONL corpus (1M passages, ~600 MB, by default) and writes it back, with @xqg/corpus
// and with a naive readline + JSON.parse loop, each in its own process so peak RSS is per contender.
//   pnpm --filter @xqg/corpus bench                       (1,000,000 passages)
//   XQG_BENCH_PASSAGES=100000 XQG_BENCH_ROUNDS=1 pnpm --filter @xqg/corpus bench   (quick run)
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable, runIsolated } from "@xqg/bench-utils";
import { generateCorpus } from "./generate.js";

const here = dirname(fileURLToPath(import.meta.url));
const passages = Number(process.env["XQG_BENCH_PASSAGES"] ?? 1_000_000);
const cache = join(here, "..", ".bench-cache");
const input = join(cache, `corpus-${passages}.jsonl`);
const output = join(cache, "copy.jsonl");

console.log(`generating ${passages} passages into ${input} (reused when present) ...`);
const bytes = await generateCorpus(input, passages);
const megabytes = bytes / 1e6;
console.log(`${megabytes.toFixed(0)} MB`);

interface Report {
  records: number;
  seconds: number;
  cpuSeconds: number;
}
const contenders = [
  { name: "naive readline + JSON.parse", script: join(here, "child-naive.ts") },
  { name: "@xqg/corpus", script: join(here, "child-xqg.ts") },
];
// Best of a few rounds per contender, alternating, so a burst of other work on the machine hurts neither
// side more than the other.
const rounds = Number(process.env["XQG_BENCH_ROUNDS"] ?? 2);
const rows = [];
for (const mode of ["read", "copy"] as const) {
  const best = contenders.map(() => ({ seconds: Infinity, cpuSeconds: Infinity, peakRssMiB: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, { name, script }] of contenders.entries()) {
      const { report, peakRssMiB } = await runIsolated<Report>(script, [mode, input, output]);
      await rm(output, { force: true });
      if (report.records !== passages)
        throw new Error(`${name} ${mode}: ${report.records} records, expected ${passages}`);
      const b = best[i]!;
      b.seconds = Math.min(b.seconds, report.seconds);
      b.cpuSeconds = Math.min(b.cpuSeconds, report.cpuSeconds);
      b.peakRssMiB = Math.max(b.peakRssMiB, peakRssMiB);
    }
  }
  for (const [i, { name }] of contenders.entries()) {
    const b = best[i]!;
    rows.push({
      task: mode === "read" ? "read" : "read + write back",
      implementation: name,
      passages,
      "wall s": b.seconds,
      "MB/s (wall)": megabytes / b.seconds,
      "CPU s": b.cpuSeconds,
      "MB/s (CPU)": megabytes / b.cpuSeconds,
      "peak RSS (MiB)": b.peakRssMiB,
    });
  }
}
console.log(formatTable(rows));
console.log(
  `\nBest of ${rounds} rounds (peak RSS: the highest). MB/s = input MB / time; CPU time (user + system) is` +
    " steadier than wall time when other jobs share the cores.",
);
