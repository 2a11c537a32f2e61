import { readRun } from "/work/wt/runs/packages/corpus/src/index.ts";
const t = performance.now();
const r = await readRun("/tmp/runsbench/run.trec");
console.log(r.size, (performance.now()-t)/1000);
