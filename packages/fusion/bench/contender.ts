// One contender of bench/run.ts, in its own process so that its peak RSS is its own.
import { join } from "node:path";
import { reportFromChild } from "@xqg/bench-utils";
import { readNpy, writeNpy } from "@xqg/corpus";
import { augment, augmentFiles, sweepAlpha } from "../src/index.js";

const [kind, dir, blockArg] = process.argv.slice(2) as [string, string, string];
const passages = join(dir, "p.npy");
const sums = join(dir, "s.npy");
const blockRows = Number(blockArg);
const start = performance.now();
const cpuStart = process.cpuUsage();
if (kind === "stream") {
  await augmentFiles({ passages, sums, out: join(dir, "out-stream.npy"), blockRows });
} else if (kind === "sweep4") {
  await sweepAlpha({
    passages,
    sums,
    alphas: [0.005, 0.01, 0.02, 0.05],
    out: (a) => join(dir, `out-sweep-${a}.npy`),
  });
} else {
  // The naive way: load both matrices whole, augment in memory, write the result.
  const p = await readNpy(passages);
  const s = await readNpy(sums);
  await writeNpy(join(dir, "out-naive.npy"), augment(p.data, s.data, { dim: p.dim }), { dim: p.dim });
}
const cpu = process.cpuUsage(cpuStart);
reportFromChild({ seconds: (performance.now() - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
