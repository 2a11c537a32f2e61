import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withTempDir } from "@xqg/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICKSTART, spawnXqg, writeMadeUpGenerated, writeTestConfig, xqg } from "./helpers.js";
import {
  digests,
  fastQueueTimings,
  freePort,
  localDigests,
  REDIS_SERVER,
  type RedisServer,
  spawnWorker,
  startRedis,
  type WorkerProcess,
  waitFor,
} from "./queue-helpers.js";

describe("xqg run --queue: a Redis that cannot be used", () => {
  it("unreachable or a wrong URL: one line, no stack trace, within seconds", async () => {
    const closed = await freePort();
    const cases: Array<[string[], RegExp]> = [
      [["run", "x.yaml", "--queue", `redis://127.0.0.1:${closed}`], /cannot read the config file/],
      [
        ["worker", "--queue", `redis://127.0.0.1:${closed}`],
        /^xqg: cannot use the queue at redis:\/\/127\.0\.0\.1:\d+: connection refused \(is redis-server running there\?\)\n$/,
      ],
      [
        ["status", "--queue", `redis://127.0.0.1:${closed}/2`],
        /^xqg: cannot use the queue at redis:\/\/127\.0\.0\.1:\d+\/2: connection refused/,
      ],
      [
        ["worker", "--queue", "http://127.0.0.1:6379"],
        /^xqg: --queue: expected redis:\/\/\[user:password@\]HOST:PORT\[\/DB\] \(or rediss:\/\/ for TLS\), got "http:\/\/127\.0\.0\.1:6379"\n$/,
      ],
      [
        ["worker", "--queue", "redis://127.0.0.1:6379/zero"],
        /^xqg: --queue: the database after the port must be a number \(e\.g\. \/0\), got "\/zero"\n$/,
      ],
      [
        ["status", "--queue", "redis://user:secret@no-such-host.invalid:6379"],
        /^xqg: cannot use the queue at redis:\/\/user:\*\*\*@no-such-host\.invalid:6379: unknown host\n$/,
      ],
    ];
    for (const [argv, expected] of cases) {
      const started = performance.now();
      const result = await xqg(...argv);
      const seconds = (performance.now() - started) / 1000;
      expect(result.code, argv.join(" ")).toBe(1);
      expect(result.stderr, argv.join(" ")).toMatch(expected);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).not.toContain("secret");
      expect(seconds).toBeLessThan(6);
    }
    await withTempDir(async (dir) => {
      const result = await xqg("run", await writeTestConfig(dir), "--queue", `redis://127.0.0.1:${closed}`);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^xqg: cannot use the queue at redis:\/\/127\.0\.0\.1:\d+: connection refused/,
      );
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(join(dir, "out"))).toBe(false);
    });
  });
});

describe.skipIf(!REDIS_SERVER)("xqg run --queue: faults against a real Redis", () => {
  let redis: RedisServer;
  let generated: string;
  let genDir: string;
  let reference: Map<string, string>;
  const workers: WorkerProcess[] = [];
  const config = (dir: string, extra = "") => writeTestConfig(dir, `generated: ${generated}\n${extra}`);

  beforeAll(async () => {
    fastQueueTimings();
    redis = await startRedis();
    genDir = await (await import("node:fs/promises")).mkdtemp(
      join((await import("node:os")).tmpdir(), "xqg-gen-"),
    );
    generated = await writeMadeUpGenerated(genDir);
    reference = await localDigests(config);
  }, 600_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    await redis?.dispose();
    await (await import("node:fs/promises")).rm(genDir, { recursive: true, force: true });
  });

  it("a unit that always fails stops after N attempts; the coordinator names it, its attempts and its error; the rest is kept", async () => {
    await withTempDir(async (dir) => {
      const queries = join(dir, "dev.jsonl");
      await writeFile(queries, `${await readFile(join(QUICKSTART, "dev.jsonl"), "utf8")}{"id": "broken\n`);
      const file = await config(dir);
      const text = await readFile(file, "utf8");
      await writeFile(file, text.replace(/^queries: .*$/m, `queries: ${queries}`));
      const worker = spawnWorker(redis.url);
      workers.push(worker);
      const run = await xqg("run", file, "--queue", redis.url, "--attempts", "2");
      expect(run.code).toBe(1);
      const last = run.stderr.trim().split("\n").at(-1)!;
      expect(last).toMatch(/^xqg: unit encode-queries failed after 2 attempts: .*dev\.jsonl:148/);
      expect(last).toMatch(/\(12 later units not run: they read its outputs\)$/);
      // the units that do not read the queries are done and kept
      for (const unit of ["encode-passages", "encode-generated", "fuse", "fuse.first-1-alpha-0.5"])
        expect(existsSync(join(dir, `out/manifests/${unit}.json`)), unit).toBe(true);
      expect(existsSync(join(dir, "out/manifests/encode-queries.json"))).toBe(false);
      const status = await xqg("status", "--queue", redis.url);
      expect(status.stdout).toMatch(
        /failed +encode-queries \(plan \w+\): after 2 attempts: .*dev\.jsonl:148/,
      );
      await worker.kill();
    });
  }, 600_000);

  it("Redis restarted mid-run without persistence: reconnect, re-enqueue what is not done, outputs byte-identical", async () => {
    await withTempDir(async (dir) => {
      const file = await config(dir);
      const worker = spawnWorker(redis.url);
      workers.push(worker);
      const running = xqg("run", file, "--queue", redis.url);
      await waitFor(
        () => existsSync(join(dir, "out/manifests/encode-passages.json")),
        300_000,
        "a first unit",
      );
      await redis.stop();
      await new Promise((r) => setTimeout(r, 1_500));
      await redis.start();
      const run = await running;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/unit\(s\) not in the queue \(Redis restarted\?\); enqueued again/);
      expect(await digests(join(dir, "out"))).toEqual(reference);
      await worker.kill();
    });
  }, 600_000);

  it("the coordinator killed and started again picks up where the queue is", async () => {
    await withTempDir(async (dir) => {
      const file = await config(dir);
      const worker = spawnWorker(redis.url);
      workers.push(worker);
      const first = spawnXqg(["run", file, "--queue", redis.url]);
      first.stdout!.resume();
      let firstErr = "";
      first.stderr!.on("data", (c) => {
        firstErr += c;
      });
      const exited = new Promise((r) => first.once("exit", r));
      await waitFor(
        () => existsSync(join(dir, "out/manifests/encode-passages.json")),
        300_000,
        "a first unit",
      );
      first.kill("SIGKILL");
      await exited;
      expect(firstErr).toMatch(/units of work/);
      const run = await xqg("run", file, "--queue", redis.url);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/enqueued again/);
      expect(await digests(join(dir, "out"))).toEqual(reference);
      // no unit ran twice: every `done in` line of the worker names a different manifest
      const done = worker
        .output()
        .split("\n")
        .filter((l) => / done in /.test(l));
      expect(new Set(done.map((l) => l.replace(/.* done in [^(]*/, ""))).size).toBe(done.length);
      await worker.kill();
    });
  }, 600_000);
});
