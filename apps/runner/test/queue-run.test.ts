import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPLIT_ONLY, writeTestConfig, xqg } from "./helpers.js";
import {
  digests,
  fastQueueTimings,
  generationStarted,
  localDigests,
  REDIS_SERVER,
  type RedisServer,
  spawnWorker,
  startRedis,
  type WorkerProcess,
} from "./queue-helpers.js";

// Distributed runs against a real redis-server (no mock): the outputs of `xqg run --queue` with worker
// processes must be byte-identical to a local `xqg run` of the same config.
describe.skipIf(!REDIS_SERVER)("xqg run --queue with xqg worker processes", () => {
  let redis: RedisServer;
  let reference: Map<string, string>;
  let golden: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    fastQueueTimings();
    redis = await startRedis();
    golden = await readFile(join(import.meta.dirname, "golden/quickstart-small.report.txt"), "utf8");
    reference = await localDigests((dir) => writeTestConfig(dir));
  }, 600_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    await redis?.dispose();
  });

  it("two workers: the report and every file byte-identical to a local run; a restarted coordinator finds it done", async () => {
    await withTempDir(async (dir) => {
      const config = await writeTestConfig(dir);
      const pair = [spawnWorker(redis.url), spawnWorker(redis.url)];
      workers.push(...pair);
      const started = performance.now();
      const run = await xqg("run", config, "--queue", redis.url);
      const seconds = (performance.now() - started) / 1000;
      expect(run.stderr).not.toContain("warning");
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(golden);
      // the ablation point of 2 queries per language keeps every query: it reuses the full Σq, fusion and evaluation
      expect(run.stderr).toMatch(/17 units of work/);
      expect(await digests(join(dir, "out"))).toEqual(reference);
      // both workers took units
      for (const w of pair) expect(w.output()).toMatch(/unit \S+: started/);
      console.info(`queue run with 2 workers: ${seconds.toFixed(1)} s`);

      const status = await xqg("status", "--queue", redis.url);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/0 active, 0 waiting, .*0 failed, 17 done/);

      // the same config again: every job is known to the queue as done, nothing is enqueued or run again
      const again = await xqg("run", config, "--queue", redis.url);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(golden);
      expect(again.stderr).not.toMatch(/enqueued again/);
      await Promise.all(pair.map((w) => w.kill("SIGTERM")));
      expect(await digests(join(dir, "out"))).toEqual(reference);
    });
  }, 600_000);

  it("shards: 2 and searchRanges: 3 on two workers: Σq per shard and search per row range, the rest byte-identical", async () => {
    await withTempDir(async (dir) => {
      const config = await writeTestConfig(dir, "shards: 2\nsearchRanges: 3\nmergeGenerated: true\n");
      const pair = [spawnWorker(redis.url), spawnWorker(redis.url)];
      workers.push(...pair);
      const run = await xqg("run", config, "--queue", redis.url);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(golden);
      // 2 × (generate, encode-passages, 2 × Σq: all queries and the first 1 per language), 2 merges, 2 merge-sums,
      // queries, 2 fusions, 4 systems × (3 search ranges, merge-search, evaluate), passage texts, report
      expect(run.stderr).toMatch(/37 units of work/);
      const outputs = await digests(join(dir, "out"));
      const kept = (files: Map<string, string>) => [...files.keys()].filter((f) => !SPLIT_ONLY.test(f));
      expect(kept(outputs)).toEqual(kept(reference));
      for (const file of kept(reference)) expect(outputs.get(file), file).toBe(reference.get(file));
      expect([...outputs.keys()].filter((f) => f.startsWith("hits/"))).toHaveLength(4 * 3); // systems × row ranges
      await Promise.all(pair.map((w) => w.kill("SIGTERM")));
    });
  }, 600_000);

  it("a worker killed with SIGKILL mid-unit: the stalled unit is finished by another worker, outputs byte-identical", async () => {
    await withTempDir(async (dir) => {
      const config = await writeTestConfig(dir);
      const pair = [spawnWorker(redis.url), spawnWorker(redis.url)];
      workers.push(...pair);
      const running = xqg("run", config, "--queue", redis.url);
      const holder = { pid: await generationStarted(join(dir, "out")) };
      const status = await xqg("status", "--queue", redis.url);
      expect(status.stdout).toMatch(
        new RegExp(`^ {2}active +generate \\(plan \\w+\\): on \\S+:${holder.pid}, attempt 1`, "m"),
      );
      const victim = pair.find((w) => w.child.pid === holder.pid)!;
      expect(victim, `lease holder ${holder.pid}`).toBeDefined();
      expect(await victim.kill("SIGKILL")).toBeNull();
      const survivor = pair.find((w) => w !== victim)!;
      const run = await running;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(golden);
      // the survivor ran generation again (taking over the dead worker's lease), after the queue saw it stall
      expect(survivor.output()).toMatch(/unit generate: started \(job \S+, attempt \d\)/);
      expect(survivor.output()).toMatch(/generate: done in/);
      expect(await digests(join(dir, "out"))).toEqual(reference);
      await survivor.kill("SIGTERM");
    });
  }, 600_000);
});
