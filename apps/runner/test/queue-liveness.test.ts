import { join, resolve } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnXqg, writeTestConfig, xqg } from "./helpers.js";
import {
  freePort,
  generationStarted,
  REDIS_SERVER,
  type RedisServer,
  spawnWorker,
  startRedis,
  type WorkerProcess,
  waitFor,
} from "./queue-helpers.js";

/** Far longer than the test: the dead worker's unit stays "active" for all of it, as in production for minutes. */
const LOCK_MS = 120_000;
const HEARTBEAT_MS = 300;
const SLOW = resolve(import.meta.dirname, "slow-staging-writes.mjs");

const ENV = {
  XQG_QUEUE_LOCK_MS: String(LOCK_MS),
  XQG_QUEUE_STALLED_MS: String(LOCK_MS),
  XQG_QUEUE_BACKOFF_MS: "200",
  XQG_QUEUE_POLL_MS: "200",
  XQG_WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS),
};

/** Sets `vars` in this process's environment (children inherit it) for the duration of `body`. */
async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T> | T): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
  set(vars);
  try {
    return await body();
  } finally {
    set(saved);
  }
}

async function get(port: number, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
  return { status: response.status, text: await response.text() };
}

describe.skipIf(!REDIS_SERVER)(
  "a worker that dies: no live worker holds its unit, and everyone says so",
  () => {
    let redis: RedisServer;
    const workers: WorkerProcess[] = [];
    const saved = { ...process.env };

    beforeAll(async () => {
      Object.assign(process.env, ENV);
      redis = await startRedis();
    }, 60_000);
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill("SIGKILL")));
      await redis?.dispose();
      for (const name of Object.keys(ENV))
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
    });

    it("the only worker SIGKILLed mid-unit: `xqg status` and the coordinator's ETA say no live worker holds it, within seconds", async () => {
      await withTempDir(async (dir) => {
        const config = await writeTestConfig(dir);
        // generation held for a long time in its staging writes: the unit is mid-run when the worker dies
        const worker = await withEnv(
          {
            NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --import ${SLOW}`.trim(),
            XQG_TEST_STAGING_PAUSE_MS: "60000",
          },
          () => spawnWorker(redis.url),
        );
        workers.push(worker);
        const coordinator = spawnXqg(["run", config, "--queue", redis.url]);
        let coordinatorErr = "";
        coordinator.stdout!.resume();
        coordinator.stderr!.on("data", (c) => {
          coordinatorErr += c;
        });
        const coordinatorExited = new Promise((r) => coordinator.once("exit", r));
        try {
          const pid = worker.child.pid!;
          expect(await generationStarted(join(dir, "out"))).toBe(pid);
          const before = await xqg("status", "--queue", redis.url);
          expect(before.stdout).toMatch(new RegExp(`^workers: 1 alive \\(\\S+:${pid}\\)$`, "m"));
          expect(before.stdout).toMatch(
            new RegExp(`^ {2}active +generate \\(plan \\w+\\): on \\S+:${pid}, attempt 1`, "m"),
          );

          const killed = performance.now();
          await worker.kill("SIGKILL");
          let status = "";
          await waitFor(
            async () => {
              status = (await xqg("status", "--queue", redis.url)).stdout;
              return /no live worker holds it/.test(status);
            },
            10_000,
            "xqg status to say the unit's worker is gone",
          );
          const statusSeconds = (performance.now() - killed) / 1000;
          // the heartbeat's time to live is 3 beats: 0.9 s here (15 s by default)
          expect(statusSeconds).toBeLessThan(5);
          expect(status).toMatch(/^workers: none alive$/m);
          const line = status.split("\n").find((l) => /^ {2}active +generate /.test(l))!;
          expect(line).toMatch(
            new RegExp(
              `^ {2}active +generate \\(plan \\w+\\): active, but no live worker holds it \\(its worker \\S+:${pid} is gone; ` +
                "it returns to the queue when its lock expires in ~(\\d+) s and a live worker looks for stalled jobs\\), attempt 1",
            ),
          );
          const lockSeconds = Number(/in ~(\d+) s/.exec(line)![1]);
          expect(lockSeconds).toBeGreaterThan(LOCK_MS / 1000 - 60);
          expect(lockSeconds).toBeLessThanOrEqual(LOCK_MS / 1000);

          // the coordinator warns once, and its ETA no longer counts the unit as running
          await waitFor(
            () =>
              /unit generate is active on worker \S+, which is gone \(no heartbeat\)/.test(coordinatorErr),
            10_000,
            "the coordinator to warn",
          );
          const coordinatorSeconds = (performance.now() - killed) / 1000;
          expect(coordinatorErr).toMatch(
            new RegExp(
              `queue: unit generate is active on worker \\S+:${pid}, which is gone \\(no heartbeat\\); it returns to the queue when its lock expires in ~\\d+ s; no live worker: start one with xqg worker --queue redis://127\\.0\\.0\\.1:${redis.port}`,
            ),
          );
          // (its progress line, every 5 s without a terminal, carries the estimate)
          await waitFor(
            () => /ETA: none, no live worker \(1 unit on a gone worker, to run again\)/.test(coordinatorErr),
            15_000,
            "the coordinator's ETA to say so",
          ).catch((error: Error) => {
            throw new Error(`${error.message}; the coordinator said:\n${coordinatorErr}`);
          });
          console.info(
            `SIGKILL → xqg status says so ${statusSeconds.toFixed(2)} s; → coordinator warns ${coordinatorSeconds.toFixed(2)} s`,
          );
        } finally {
          coordinator.kill("SIGKILL");
          await coordinatorExited;
        }
      });
    }, 180_000);
  },
);

describe.skipIf(!REDIS_SERVER)("xqg worker --health-port: probes", () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    await redis?.dispose();
  });

  it("/livez and /readyz answer 200 for a live worker; /readyz 503 within seconds of its Redis going, 200 again when it is back", async () => {
    const port = await freePort();
    const worker = await withEnv({ XQG_WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS) }, () =>
      spawnWorker(redis.url, "--health-port", String(port)),
    );
    workers.push(worker);
    await waitFor(() => /waiting for units/.test(worker.output()), 60_000, "the worker to start");
    const live = await get(port, "/livez");
    expect(live.status).toBe(200);
    expect(live.text).toMatch(/^ok: worker \S+ running\n$/);
    const ready = await get(port, "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.text).toMatch(/^ok: worker \S+, heartbeat to redis:\/\/127\.0\.0\.1:\d+ \d+ s ago\n$/);
    expect((await get(port, "/nope")).status).toBe(404);

    await redis.stop();
    const stopped = performance.now();
    let answer = { status: 0, text: "" };
    await waitFor(
      async () => {
        answer = await get(port, "/readyz");
        return answer.status === 503;
      },
      10_000,
      "/readyz to fail",
    );
    const unreadySeconds = (performance.now() - stopped) / 1000;
    expect(unreadySeconds).toBeLessThan(5);
    expect(answer.text).toMatch(
      new RegExp(
        `^worker \\S+: no heartbeat reached redis://127\\.0\\.0\\.1:${redis.port} for \\d+ s \\(.+\\)\\n$`,
      ),
    );
    // a worker waiting for its Redis is alive: restarting it would not bring Redis back
    expect((await get(port, "/livez")).status).toBe(200);

    await redis.start();
    await waitFor(async () => (await get(port, "/readyz")).status === 200, 20_000, "/readyz to recover");
    expect(await worker.kill("SIGTERM")).toBe(143);
    await expect(get(port, "/livez")).rejects.toThrow();
    console.info(`Redis stopped → /readyz 503 after ${unreadySeconds.toFixed(2)} s`);
  }, 120_000);
});
