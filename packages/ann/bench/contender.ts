// One contender of bench/run.ts, run in its own process so that peak RSS and native memory are its own.
import { join } from "node:path";
import { reportFromChild } from "@xqg/bench-utils";
import { type Dtype, Index } from "../src/index.js";
import { readInts, readMatrix, recallAtK } from "./data.js";
import { loadHnswlib } from "./hnswlib.js";

const [kind, dtype, dir, nArg, dimArg, nqArg, kArg, efsArg, mArg, efAddArg] = process.argv.slice(2);
const n = Number(nArg);
const dim = Number(dimArg);
const nq = Number(nqArg);
const k = Number(kArg);
const efs = efsArg!.split(",").map(Number);
const connectivity = Number(mArg);
const expansionAdd = Number(efAddArg);

const queries = readMatrix(join(dir!, "queries.f32"), nq * dim);
const truth = readInts(join(dir!, "truth.i32"), nq * k);
const seconds = (start: number) => (performance.now() - start) / 1000;
// usearch's native memory is freed only when V8 collects the JS object, and V8 does not see that memory; without
// this, peak RSS would count the built index and every loaded copy at once (run.ts passes --expose-gc).
const collected = async () => {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setImmediate(resolve)); // native finalizers run after the collection
};

interface Point {
  ef: number;
  qps: number;
  qps1: number;
  recall: number;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/** Builds and saves the index. Its own function, so that nothing of the build outlives it: a suspended async
 * frame keeps its locals (the vectors, the built index) alive until it returns. */
async function buildUsearch(path: string): Promise<{ buildSeconds: number; buildCpuSeconds: number }> {
  const data = readMatrix(join(dir!, "data.f32"), n * dim);
  const ids = Array.from({ length: n }, (_, i) => String(i));
  const index = Index.create({ dimensions: dim, dtype: dtype as Dtype, connectivity, expansionAdd });
  const start = performance.now();
  const cpu = process.cpuUsage();
  await index.add(ids, data, { batchSize: n });
  const built = { buildSeconds: seconds(start), buildCpuSeconds: cpuSeconds(cpu) };
  await index.save(path);
  return built;
}

/** QPS (all cores, then one thread) and recall at one ef, on the saved index loaded into memory. */
async function searchUsearch(path: string, ef: number): Promise<Point> {
  // Loaded into memory, as hnswlib-node's index is; `Index.view` maps the file instead, and would time page
  // faults on the first queries (or, on machines that page out idle file data, on any of them).
  const index = await Index.load(path, { expansionSearch: ef });
  await index.searchBatch(queries.subarray(0, 10 * dim), k); // warm the thread pool
  let start = performance.now();
  const found = await index.searchBatch(queries, k, { batchSize: nq });
  const qps = nq / seconds(start);
  start = performance.now();
  await index.searchBatch(queries, k, { threads: 1, batchSize: nq });
  const qps1 = nq / seconds(start);
  const ids = [...found.values()].map((scores) => [...scores.keys()]);
  return { ef, qps, qps1, recall: recallAtK(ids, truth, k) };
}

async function runUsearch(): Promise<{ buildSeconds: number; buildCpuSeconds: number; points: Point[] }> {
  const path = join(dir!, `index-${dtype}.usearch`);
  const built = await buildUsearch(path);
  const points: Point[] = [];
  for (const ef of efs) {
    await collected();
    points.push(await searchUsearch(path, ef));
  }
  return { ...built, points };
}

function runHnswlib(): { buildSeconds: number; buildCpuSeconds: number; points: Point[] } {
  // Installed by run.ts (ensureHnswlib) into .bench-cache/ before it starts this contender.
  const hnswlib = loadHnswlib();
  const data = readMatrix(join(dir!, "data.f32"), n * dim);
  const index = new hnswlib.HierarchicalNSW("ip", dim);
  index.initIndex(n, connectivity, expansionAdd, 100);
  const start = performance.now();
  const cpu = process.cpuUsage();
  // hnswlib-node takes plain arrays, one point per call, on one thread: this is what its users write.
  for (let i = 0; i < n; i++) index.addPoint(Array.from(data.subarray(i * dim, (i + 1) * dim)), i);
  const buildSeconds = seconds(start);
  const buildCpuSeconds = cpuSeconds(cpu);
  const points: Point[] = efs.map((ef) => {
    index.setEf(ef);
    const found: string[][] = [];
    const begin = performance.now();
    for (let q = 0; q < nq; q++) {
      const { neighbors } = index.searchKnn(Array.from(queries.subarray(q * dim, (q + 1) * dim)), k);
      found.push(neighbors.map(String));
    }
    const qps = nq / seconds(begin);
    return { ef, qps, qps1: qps, recall: recallAtK(found, truth, k) };
  });
  return { buildSeconds, buildCpuSeconds, points };
}

reportFromChild(kind === "hnswlib" ? runHnswlib() : await runUsearch());
