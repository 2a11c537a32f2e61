// Incremental corpus updates on the queue (issue 23): a run on the queue, the corpus changed, the same config run
// on the queue again. The queue must not take the first run's finished jobs for the second's (the plan is the same,
// the corpus is not); the workers' shard units reuse their previous outputs and log it; every output is byte for
// byte a fresh local run's on the changed corpus.
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changedCorpus, incrementalExperiment, reuseLines, xqg } from "./helpers.js";
import {
  digests,
  fastQueueTimings,
  REDIS_SERVER,
  type RedisServer,
  spawnWorker,
  startRedis,
  type WorkerProcess,
} from "./queue-helpers.js";

const SHARDS = "shards: 2\nmergeGenerated: true\n";

describe.skipIf(!REDIS_SERVER)("incremental runs on the queue", () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    fastQueueTimings();
    redis = await startRedis();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    await redis?.dispose();
  });

  it("shards: 2 on two workers, the corpus changed, run again: each shard unit reuses its passages; outputs equal a fresh local run", async () => {
    await withTempDir(async (dir) => {
      const [incOut, freshOut] = [join(dir, "inc/out"), join(dir, "fresh/out")];
      const config = await incrementalExperiment(dir, incOut, SHARDS);
      const pair = [spawnWorker(redis.url), spawnWorker(redis.url)];
      workers.push(...pair);
      const base = await xqg("run", config, "--queue", redis.url);
      expect(base.code, base.stderr).toBe(0);
      const logged = () => pair.flatMap((w) => reuseLines(w.output()));
      expect(logged()).toEqual([]);

      await changedCorpus(dir);
      const before = pair.map((w) => w.output().length);
      const again = await xqg("run", config, "--queue", redis.url);
      expect(again.code, again.stderr).toBe(0);
      // a new corpus is a new plan on the queue: the first run's jobs do not count as this one's
      const planOf = (stderr: string) => /\(plan (\w+)\)/.exec(stderr)?.[1];
      expect(planOf(again.stderr)).toBeDefined();
      expect(planOf(again.stderr)).not.toBe(planOf(base.stderr));
      // which worker ran which unit is the queue's choice: the lines, each once, in any order
      const lines = pair.flatMap((w, i) => reuseLines(w.output().slice(before[i])));
      const shard0 = "reused 11, added 2, changed 2, removed 2 passages";
      const shard1 = "reused 13, added 2, changed 0, removed 2 passages";
      const units = ["generate", "encode-passages", "encode-generated", "encode-generated.first-1"];
      const expected = units.flatMap((unit) => [
        `${unit}.shard-0-of-2: ${shard0}`,
        `${unit}.shard-1-of-2: ${shard1}`,
      ]);
      expect(lines.map((line) => line.replace(/^.*?xqg: /, "")).sort()).toEqual(expected.sort());
      const incremental = await digests(incOut);

      // the same config again, unchanged: the queue knows every unit done, nothing runs
      const same = await xqg("run", config, "--queue", redis.url);
      expect(same.code, same.stderr).toBe(0);
      expect(planOf(same.stderr)).toBe(planOf(again.stderr));
      expect(await digests(incOut)).toEqual(incremental);
      await Promise.all(pair.map((w) => w.kill("SIGTERM")));

      await incrementalExperiment(dir, freshOut, SHARDS);
      await changedCorpus(dir);
      const fresh = await xqg("run", join(dir, "xqg.yaml"), "--quiet");
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(incremental).toEqual(await digests(freshOut));
    });
  }, 600_000);
});
