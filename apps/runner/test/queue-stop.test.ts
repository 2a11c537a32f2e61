import { existsSync } from "node:fs";
import { join } from "node:path";
import { QUEUE_NAME, type UnitJob } from "@xqg/queue";
import { withTempDir } from "@xqg/test-utils";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTestConfig, xqg } from "./helpers.js";
import {
  digests,
  generationStarted,
  localDigests,
  REDIS_SERVER,
  type RedisServer,
  spawnWorker,
  startRedis,
  type WorkerProcess,
  waitFor,
} from "./queue-helpers.js";

/** Far longer than the test: a job back in the queue before this was handed back, not found stalled. */
const LOCK_MS = 120_000;

// A worker stopped by SIGTERM / SIGINT (scale-down, preemption, Ctrl-C) moves its jobs back to the queue at
// once, not counted as a failed attempt or a stall, and exits 143 / 130 within seconds.
describe.skipIf(!REDIS_SERVER)("xqg worker stopped by a signal hands its units back", () => {
  let redis: RedisServer;
  let queue: Queue<UnitJob>;
  let reference: Map<string, string>;
  const workers: WorkerProcess[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env["XQG_QUEUE_LOCK_MS"] = String(LOCK_MS);
    process.env["XQG_QUEUE_STALLED_MS"] = String(LOCK_MS);
    process.env["XQG_QUEUE_BACKOFF_MS"] = "200";
    process.env["XQG_QUEUE_POLL_MS"] = "200";
    redis = await startRedis();
    queue = new Queue<UnitJob>(QUEUE_NAME, { connection: { host: "127.0.0.1", port: redis.port } });
    queue.on("error", () => undefined); // while Redis is stopped on purpose
    reference = await localDigests((dir) => writeTestConfig(dir));
  }, 600_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    await queue?.close();
    await redis?.dispose();
    for (const name of [
      "XQG_QUEUE_LOCK_MS",
      "XQG_QUEUE_STALLED_MS",
      "XQG_QUEUE_BACKOFF_MS",
      "XQG_QUEUE_POLL_MS",
    ])
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
  });

  const generateJob = async () => {
    const jobs = await queue.getJobs(["active", "waiting", "completed", "failed", "delayed"]);
    const job = jobs.find((j) => j.data.key === "generate");
    return job && { job, state: await job.getState() };
  };

  it("SIGTERM mid-unit: exit 143 within seconds, the unit waiting again (no attempt, no stall), another worker finishes it long before the lock would expire; outputs byte-identical", async () => {
    await withTempDir(async (dir) => {
      const config = await writeTestConfig(dir);
      const first = spawnWorker(redis.url);
      workers.push(first);
      const started = performance.now();
      const running = xqg("run", config, "--queue", redis.url);
      expect(await generationStarted(join(dir, "out"))).toBe(first.child.pid);
      expect((await generateJob())?.state).toBe("active");

      const signalled = performance.now();
      const code = await first.kill("SIGTERM");
      const exitSeconds = (performance.now() - signalled) / 1000;
      expect(code, first.output()).toBe(143);
      expect(exitSeconds).toBeLessThan(5);
      expect(first.output()).toMatch(/^xqg: interrupted \(SIGTERM\); handed back to the queue: generate$/m);
      expect(first.output()).not.toMatch(/failed|warning/);
      // the job waits again: no attempt made, not stalled; the lease is gone with the worker
      const back = (await generateJob())!;
      expect(back.state).toBe("waiting");
      expect(back.job.attemptsMade).toBe(0);
      expect(back.job.stalledCounter).toBe(0);
      expect(existsSync(join(dir, "out/manifests/generate.json.lease"))).toBe(false);
      expect(existsSync(join(dir, "out/manifests/generate.json"))).toBe(false);

      const second = spawnWorker(redis.url);
      workers.push(second);
      await waitFor(() => /waiting for units/.test(second.output()), 60_000, "the second worker to start");
      const ready = performance.now();
      await waitFor(() => /unit generate: started/.test(second.output()), 60_000, "generation to be taken");
      const pickedUp = performance.now();
      expect(second.output()).toMatch(/unit generate: started \(job \S+, attempt 1\)/);

      const run = await running;
      const finished = performance.now();
      expect(run.code, run.stderr).toBe(0);
      expect(second.output()).toMatch(/generate: done in/);
      // stall detection (every LOCK_MS) cannot have put it back: the run is done well before
      expect(finished - signalled).toBeLessThan(LOCK_MS);
      const done = (await generateJob())!;
      expect(done.state).toBe("completed");
      expect(done.job.attemptsMade).toBe(1);
      expect(done.job.stalledCounter).toBe(0);
      expect(await digests(join(dir, "out"))).toEqual(reference);
      console.info(
        `SIGTERM → exit ${exitSeconds.toFixed(2)} s; second worker ready → generate taken ` +
          `${((pickedUp - ready) / 1000).toFixed(2)} s; SIGTERM → generate taken ${((pickedUp - signalled) / 1000).toFixed(1)} s ` +
          `(worker start included); SIGTERM → run done ${((finished - signalled) / 1000).toFixed(1)} s; ` +
          `whole run ${((finished - started) / 1000).toFixed(1)} s`,
      );
      await second.kill("SIGTERM");
    });
  }, 600_000);

  it("SIGTERM mid-unit while Redis is down: exit 143 after the hand-back's deadline, saying so; the run recovers", async () => {
    await withTempDir(async (dir) => {
      const config = await writeTestConfig(dir);
      process.env["XQG_HAND_BACK_MS"] = "1500";
      const first = spawnWorker(redis.url);
      delete process.env["XQG_HAND_BACK_MS"];
      workers.push(first);
      const running = xqg("run", config, "--queue", redis.url);
      await generationStarted(join(dir, "out"));
      await redis.stop();
      const signalled = performance.now();
      const code = await first.kill("SIGTERM");
      const exitSeconds = (performance.now() - signalled) / 1000;
      await redis.start();
      expect(code, first.output()).toBe(143);
      expect(exitSeconds).toBeGreaterThan(1.4);
      expect(exitSeconds).toBeLessThan(5);
      expect(first.output()).toMatch(
        /^xqg: interrupted \(SIGTERM\); could not hand the units in progress back to the queue within 1\.5s \(is Redis reachable\?\)/m,
      );
      // the restarted Redis is empty: the coordinator enqueues again what is not done, a new worker runs it
      const second = spawnWorker(redis.url);
      workers.push(second);
      const run = await running;
      expect(run.code, run.stderr).toBe(0);
      // (generation may have ended while the first worker waited for Redis: then it is not run again)
      expect(await digests(join(dir, "out"))).toEqual(reference);
      console.info(`SIGTERM with Redis down → exit ${exitSeconds.toFixed(2)} s`);
      await second.kill("SIGTERM");
    });
  }, 600_000);

  it("SIGINT with no unit in progress: exit 130 at once, saying so", async () => {
    const idle = spawnWorker(redis.url);
    workers.push(idle);
    await waitFor(() => /waiting for units/.test(idle.output()), 60_000, "the worker to start");
    const signalled = performance.now();
    expect(await idle.kill("SIGINT")).toBe(130);
    expect((performance.now() - signalled) / 1000).toBeLessThan(5);
    expect(idle.output()).toMatch(/^xqg: interrupted \(SIGINT\); no unit in progress$/m);
  }, 120_000);
});
