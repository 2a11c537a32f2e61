// The queue on a real redis-server (started here on a free loopback port): the coordinator's dependency order,
// and a worker that runs the unit it is sent, refusing one made by other code or altered on the way.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { codeVersions, createLogger, parseConfig, planExperiment, unitDigest } from "@xqg/pipeline";
import { REDIS_SERVER, type RedisServer, startRedis, withTempDir } from "@xqg/test-utils";
import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseQueueUrl } from "../src/connection.js";
import { coordinate } from "../src/coordinator.js";
import type { UnitJob } from "../src/jobs.js";
import { startWorker } from "../src/worker.js";

const quiet = createLogger({ quiet: true });

describe.skipIf(!REDIS_SERVER)("the queue on a real Redis", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    process.env["XQG_QUEUE_POLL_MS"] = "50";
    redis = await startRedis();
  });
  afterAll(async () => {
    delete process.env["XQG_QUEUE_POLL_MS"];
    await redis?.dispose();
  });
  const connection = () => ({ host: "127.0.0.1", port: redis.port });

  it("coordinate puts each unit on the queue once the units it reads from are done", async () => {
    await withTempDir(async (dir) => {
      // a diamond: a → (b, c) → d; a unit is done once its manifest exists
      const deps: Record<string, string[]> = { a: [], b: ["a"], c: ["a"], d: ["b", "c"] };
      const units = Object.entries(deps).map(([key, on]) => ({
        key,
        stage: "demo",
        deps: on,
        manifest: join(dir, `${key}.json`),
      }));
      const order: string[] = [];
      const worker = new Worker<{ key: string }>(
        "xqg-coordinate-test",
        async (job) => {
          for (const dep of deps[job.data.key]!) expect(order).toContain(dep);
          order.push(job.data.key);
          await writeFile(join(dir, `${job.data.key}.json`), "{}");
        },
        { connection: connection(), concurrency: 4 },
      );
      try {
        const result = await coordinate(units, {
          target: parseQueueUrl(redis.url),
          queueName: "xqg-coordinate-test",
          planId: "plan",
          attempts: 1,
          log: quiet,
          data: (unit) => ({ key: unit.key }),
        });
        expect(result).toEqual({ failures: [], blocked: 0 });
        expect(order[0]).toBe("a");
        expect(order.at(-1)).toBe("d");
        expect([...order].sort()).toEqual(["a", "b", "c", "d"]);
      } finally {
        await worker.close();
      }
    });
  });

  /** The job of the unit `encode-queries` of a small config, as a coordinator makes it. */
  async function encodeQueriesJob(dir: string, packages: Record<string, string>): Promise<UnitJob> {
    await mkdir(dir, { recursive: true });
    const config = parseConfig(
      "corpus: c.jsonl\nqueries: q.jsonl\nencoder: enc\ngenerator: gen\n",
      "exp.yaml",
      join(dir, "exp.yaml"),
    );
    const unit = planExperiment(config).units.find((u) => u.key === "encode-queries")!;
    return {
      planId: "p",
      key: unit.key,
      stage: unit.stage,
      unit,
      unitDigest: unitDigest(unit),
      run: { config: config.file, output: config.output, threads: 1 },
      force: false,
      packages,
    };
  }

  /** Puts `data` on a queue of its own with one worker; returns the failed job's reason and worker. */
  async function refusal(name: string, data: UnitJob): Promise<{ reason: string; worker: string }> {
    const worker = await startWorker({ queue: redis.url, log: quiet, queueName: name });
    const queue = new Queue<UnitJob>(name, { connection: connection() });
    try {
      const job = await queue.add(data.stage, data, { jobId: `p.${data.key}`, attempts: 3 });
      const deadline = Date.now() + 30_000;
      while ((await queue.getJobState(job.id!)) !== "failed") {
        if (Date.now() > deadline) throw new Error("the job did not fail within 30 s");
        await new Promise((r) => setTimeout(r, 50));
      }
      const failed = (await queue.getJob(job.id!))!;
      // refused once, not retried: the refusal is unrecoverable
      expect(failed.attemptsMade).toBe(1);
      return { reason: failed.failedReason, worker: failed.processedBy! };
    } finally {
      await queue.close();
      await worker.close(true);
    }
  }

  it("a worker refuses a job planned with other code versions, naming both", async () => {
    await withTempDir(async (dir) => {
      const mine = codeVersions();
      const planned = { ...mine, "@xqg/pipeline": "99.0.0", "@xqg/fusion": "0.0.1-other" };
      const { reason, worker } = await refusal("xqg-version-test", await encodeQueriesJob(dir, planned));
      expect(reason).toBe(
        `refused by worker ${worker}: planned with other package versions: ` +
          `@xqg/fusion 0.0.1-other (coordinator) vs ${mine["@xqg/fusion"]} (this worker), ` +
          `@xqg/pipeline 99.0.0 (coordinator) vs ${mine["@xqg/pipeline"]} (this worker)`,
      );
    });
  });

  it("a worker runs the unit it is sent, without planning, and refuses one whose digest is not the coordinator's", async () => {
    await withTempDir(async (dir) => {
      const job = await encodeQueriesJob(dir, codeVersions());
      const altered = { ...job, unit: { ...job.unit, deps: ["generate"] } };
      const { reason, worker } = await refusal("xqg-digest-test", altered);
      expect(reason).toBe(
        `refused by worker ${worker}: unit encode-queries of ${job.run.config} has digest ` +
          `${unitDigest(altered.unit).slice(0, 16)} here, ${job.unitDigest.slice(0, 16)} at the coordinator ` +
          "(the job was altered, or made by other code)",
      );
    });
  });
});
