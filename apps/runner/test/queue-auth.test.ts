import { existsSync } from "node:fs";
import { join } from "node:path";
import { PASSWORD_ENV } from "@xqg/queue";
import { withTempDir } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTestConfig, xqg } from "./helpers.js";
import {
  fastQueueTimings,
  REDIS_SERVER,
  type RedisServer,
  spawnWorker,
  startRedis,
  type WorkerProcess,
  waitFor,
} from "./queue-helpers.js";

/** What a Kubernetes Secret would hold; never to be seen in any output. */
const PASSWORD = "s3cret-Pa55w0rd";

// A Redis that wants a password (`--requirepass`, as deploy/kubernetes.yaml starts it from a Secret): the password
// comes from $XQG_REDIS_PASSWORD (or the URL), and no message, log line or status ever shows it.
describe.skipIf(!REDIS_SERVER)("a Redis with a password", () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  const saved = process.env[PASSWORD_ENV];
  const setPassword = (value: string | undefined) => {
    if (value === undefined) delete process.env[PASSWORD_ENV];
    else process.env[PASSWORD_ENV] = value;
  };

  beforeAll(async () => {
    fastQueueTimings();
    redis = await startRedis("--requirepass", PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    await redis?.dispose();
    setPassword(saved);
  });

  it("a missing or wrong password: one line naming the queue URL without the password, within seconds", async () => {
    const at = `redis://127.0.0.1:${redis.port}`;
    const cases: Array<[string | undefined, string, RegExp]> = [
      [
        undefined,
        at,
        new RegExp(
          `^xqg: cannot use the queue at redis://127\\.0\\.0\\.1:${redis.port}: authentication failed: the server requires a password and none was given \\(put it in \\$XQG_REDIS_PASSWORD, or in the URL as redis://:PASSWORD@HOST:PORT\\)\\n$`,
        ),
      ],
      [
        "not-the-password",
        at,
        new RegExp(
          `^xqg: cannot use the queue at redis://127\\.0\\.0\\.1:${redis.port}: authentication failed: wrong password \\(from \\$XQG_REDIS_PASSWORD\\)\\n$`,
        ),
      ],
      [
        undefined,
        `redis://:not-the-password@127.0.0.1:${redis.port}`,
        new RegExp(
          `^xqg: cannot use the queue at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}: authentication failed: wrong password \\(from the URL\\)\\n$`,
        ),
      ],
    ];
    for (const [env, url, expected] of cases) {
      setPassword(env);
      try {
        for (const argv of [
          ["status", "--queue", url],
          ["worker", "--queue", url],
        ]) {
          const started = performance.now();
          const result = await xqg(...argv);
          const what = `${argv.join(" ")} (password ${env === undefined ? "not in the environment" : "in it"})`;
          expect(result.code, what).toBe(1);
          expect(result.stderr, what).toMatch(expected);
          expect(result.stderr).not.toContain("not-the-password");
          expect(result.stderr).not.toContain(PASSWORD);
          expect((performance.now() - started) / 1000).toBeLessThan(6);
        }
      } finally {
        setPassword(saved);
      }
    }
    await withTempDir(async (dir) => {
      const result = await xqg("run", await writeTestConfig(dir), "--queue", at);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^xqg: cannot use the queue at redis:\/\/127\.0\.0\.1:\d+: authentication failed/,
      );
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(join(dir, "out"))).toBe(false);
    });
  }, 120_000);

  it("the right password from $XQG_REDIS_PASSWORD: a worker and the coordinator run the units; the password shows nowhere", async () => {
    await withTempDir(async (dir) => {
      const config = await writeTestConfig(dir);
      setPassword(PASSWORD);
      try {
        const worker = spawnWorker(redis.url);
        workers.push(worker);
        const run = await xqg("run", config, "--queue", redis.url);
        expect(run.code, run.stderr).toBe(0);
        expect(existsSync(join(dir, "out/manifests/generate.json"))).toBe(true);
        expect(worker.output()).toMatch(/unit generate: started/);
        const status = await xqg("status", "--queue", redis.url);
        expect(status.code).toBe(0);
        expect(status.stdout).toMatch(/0 active, 0 waiting, .*0 failed, \d+ done/);
        expect(status.stdout).toMatch(/^workers: 1 alive/m);
        await worker.kill("SIGTERM");
        await waitFor(
          () => worker.child.exitCode !== null || worker.child.signalCode !== null,
          10_000,
          "exit",
        );
        for (const text of [run.stdout, run.stderr, status.stdout, status.stderr, worker.output()])
          expect(text).not.toContain(PASSWORD);
      } finally {
        setPassword(saved);
      }
    });
  }, 600_000);
});
