// The queue's cost against the work it distributes, in one run on a real redis-server (started here on a free
// loopback port, without persistence):
//   1. overhead per unit: 10,000 no-op units through the coordinator (`coordinate`, the code `xqg run --queue`
//      uses), Redis and a worker (BullMQ, concurrency 16): units/s sustained, and per unit the time from enqueue
//      to start and from start to done; plus a chain of 200 no-op units, each enqueued when the one before is
//      done (the latency a dependency costs);
//   2. the compute time of the real units of the quickstart-sized run (the test config), run locally;
//   3. wall time of that run locally, and with `xqg run --queue` and 1 and 2 `xqg worker` processes.
//   pnpm --filter xqg bench:queue        (QUEUE_BENCH_UNITS=10000)
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { formatTable } from "@xqg/bench-utils";
import { createLogger, loadConfig, planExperiment, prepareRun, runUnit } from "@xqg/pipeline";
import { coordinate, parseQueueUrl, runCoordinator } from "@xqg/queue";
import { startRedis } from "@xqg/test-utils";
import { Queue, Worker } from "bullmq";
import { writeTestConfig } from "../test/helpers.js";

const UNITS = Number(process.env["QUEUE_BENCH_UNITS"] ?? 10_000);
const CHAIN = 200;
const bin = resolve(import.meta.dirname, "../src/bin.ts");
const quiet = createLogger({ quiet: true });
process.env["XQG_QUEUE_POLL_MS"] ??= "100";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? Number.NaN;

/** No-op units through coordinate() and one worker process-local BullMQ Worker. */
async function noop(url: string, name: string, count: number, chain: boolean) {
  const target = parseQueueUrl(url);
  const worker = new Worker(name, async () => "ok", { connection: { ...target.options }, concurrency: 16 });
  const units = Array.from({ length: count }, (_, i) => ({
    key: `u${i}`,
    stage: "noop",
    deps: chain && i > 0 ? [`u${i - 1}`] : [],
    manifest: bin, // exists: a done job counts as done
  }));
  const started = performance.now();
  const { failures } = await coordinate(units, {
    target,
    queueName: name,
    planId: "bench",
    attempts: 1,
    log: quiet,
    data: (u) => ({ key: u.key }),
  });
  const seconds = (performance.now() - started) / 1000;
  if (failures.length > 0) throw new Error(failures.join("; "));
  const queue = new Queue(name, { connection: { ...target.options } });
  const jobs = await queue.getJobs(["completed"], 0, -1);
  const wait = jobs.map((j) => j.processedOn! - j.timestamp);
  const run = jobs.map((j) => j.finishedOn! - j.processedOn!);
  await queue.close();
  await worker.close();
  return { seconds, wait, run };
}

function spawnWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", bin, "worker", "--queue", url], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  return new Promise((done) =>
    child.stderr!.on("data", (c) => {
      err += c;
      if (err.includes("waiting for units")) done(child);
    }),
  );
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "xqg-bench-queue-"));
  const redis = await startRedis();
  try {
    const rows: Array<Record<string, string | number>> = [];
    const flat = await noop(redis.url, "bench-flat", UNITS, false);
    rows.push({
      measure: `${UNITS} independent no-op units (coordinator + Redis + 1 worker, concurrency 16)`,
      "wall s": flat.seconds.toFixed(2),
      "units/s": (UNITS / flat.seconds).toFixed(0),
      "per unit ms": ((flat.seconds * 1000) / UNITS).toFixed(3),
      "enqueue→start ms (median / p99)": `${median(flat.wait)} / ${p99(flat.wait)}`,
      "start→done ms (median)": median(flat.run),
    });
    const chain = await noop(redis.url, "bench-chain", CHAIN, true);
    rows.push({
      measure: `${CHAIN} no-op units in a chain (each enqueued when the one before is done)`,
      "wall s": chain.seconds.toFixed(2),
      "units/s": (CHAIN / chain.seconds).toFixed(0),
      "per unit ms": ((chain.seconds * 1000) / CHAIN).toFixed(1),
      "enqueue→start ms (median / p99)": `${median(chain.wait)} / ${p99(chain.wait)}`,
      "start→done ms (median)": median(chain.run),
    });
    console.log(formatTable(rows));

    // the real units, locally, one by one
    const localDir = join(dir, "local");
    await (await import("node:fs/promises")).mkdir(localDir);
    const config = await loadConfig(await writeTestConfig(localDir));
    const env = await prepareRun(config, { log: quiet, force: false });
    const unitRows: Array<Record<string, string | number>> = [];
    const localStart = performance.now();
    for (const unit of planExperiment(config).units) {
      const t = performance.now();
      await runUnit(unit, env);
      unitRows.push({ unit: unit.key, "compute s": ((performance.now() - t) / 1000).toFixed(2) });
    }
    const localSeconds = (performance.now() - localStart) / 1000;
    console.log(`\n${formatTable(unitRows)}`);

    const runs: Array<Record<string, string | number>> = [
      { run: "local (xqg run, one process)", "wall s": localSeconds.toFixed(1), "vs local": "1.00×" },
    ];
    for (const [count, shards, ranges] of [
      [1, 1, 1],
      [2, 1, 1],
      [2, 2, 1],
      [2, 2, 2],
    ] as const) {
      const runDir = join(dir, `queue-${count}-${shards}-${ranges}`);
      await (await import("node:fs/promises")).mkdir(runDir);
      const file = await writeTestConfig(
        runDir,
        `${shards > 1 ? `shards: ${shards}\n` : ""}${ranges > 1 ? `searchRanges: ${ranges}\n` : ""}`,
      );
      const workers = await Promise.all(Array.from({ length: count }, () => spawnWorker(redis.url)));
      const t = performance.now();
      await runCoordinator(await loadConfig(file), { queue: redis.url, log: quiet, force: false });
      const seconds = (performance.now() - t) / 1000;
      for (const w of workers) w.kill("SIGTERM");
      runs.push({
        run: `xqg run --queue, ${count} worker${count > 1 ? "s" : ""}${shards > 1 ? `, shards: ${shards}` : ""}${ranges > 1 ? `, searchRanges: ${ranges}` : ""} (warm, same machine)`,
        "wall s": seconds.toFixed(1),
        "vs local": `${(localSeconds / seconds).toFixed(2)}×`,
      });
    }
    console.log(`\n${formatTable(runs)}`);
    await writeFile(join(dir, "done"), "");
  } finally {
    await redis.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
