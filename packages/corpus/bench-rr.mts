import { readRun } from "./src/index.ts";

for (let k = 0; k < 2; k++) {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = await readRun("/tmp/runsbench/run.trec");
  const u = process.cpuUsage(c);
  console.log(
    r.size,
    "wall",
    ((performance.now() - t) / 1000).toFixed(2),
    "cpu",
    ((u.user + u.system) / 1e6).toFixed(2),
  );
}
