// One contender of bench/run.ts, in its own process so that its peak RSS is its own.
import { join } from "node:path";
import { reportFromChild } from "@xqg/bench-utils";
import { createNpyWriter, openNpy } from "@xqg/corpus";
import { fuse } from "../src/index.js";

const [kind, dir, blockArg] = process.argv.slice(2) as [string, string, string];
const passages = join(dir, "p.npy");
const sums = join(dir, "s.npy");
const batchSize = Number(blockArg);
const start = performance.now();
const cpuStart = process.cpuUsage();
if (kind === "stream") {
  await fuse({ passages, sums, out: join(dir, "out-stream.npy"), batchSize });
} else if (kind === "sweep4") {
  await fuse({
    passages,
    sums,
    alphas: [0.005, 0.01, 0.02, 0.05],
    out: (a) => join(dir, `out-sweep-${a}.npy`),
  });
} else {
  // The naive way: load both matrices whole, augment in memory, write the result.
  const p = await loadWhole(passages);
  const s = await loadWhole(sums);
  const out = fuse({ passages: p.data, sums: s.data, dimensions: p.dim });
  const writer = await createNpyWriter(join(dir, "out-naive.npy"), { dimensions: p.dim });
  const chunk = 65536 * p.dim; // one write call cannot take 2 GiB
  for (let at = 0; at < out.length; at += chunk) await writer.append(out.subarray(at, at + chunk));
  await writer.close();
}

/** Like readNpy, in reads of at most 65536 rows (one read call cannot take 2 GiB). */
async function loadWhole(path: string): Promise<{ data: Float32Array; dim: number }> {
  const reader = await openNpy(path);
  const data = new Float32Array(reader.rows * reader.dimensions);
  for await (const { start, rows } of reader.blocks({ batchSize: 65536 }))
    data.set(rows, start * reader.dimensions);
  await reader.close();
  return { data, dim: reader.dimensions };
}
const cpu = process.cpuUsage(cpuStart);
reportFromChild({ seconds: (performance.now() - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
