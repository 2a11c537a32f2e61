import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort, REDIS_SERVER, type RedisServer, startRedis, withTempDir } from "@xqg/test-utils";
import { expect } from "vitest";
import { snapshot, spawnXqg, xqg } from "./helpers.js";

export { freePort, REDIS_SERVER, type RedisServer, startRedis };

/** An `xqg worker` child process whose output is kept (for messages in assertions). */
export interface WorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnWorker(url: string, ...extra: string[]): WorkerProcess {
  const child = spawnXqg(["worker", "--queue", url, ...extra]);
  let out = "";
  child.stdout!.on("data", (c) => {
    out += c;
  });
  child.stderr!.on("data", (c) => {
    out += c;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Short queue timings for tests: a dead worker's job is back in the queue within seconds. */
export function fastQueueTimings(): void {
  process.env["XQG_QUEUE_LOCK_MS"] = "4000";
  process.env["XQG_QUEUE_STALLED_MS"] = "1000";
  process.env["XQG_QUEUE_BACKOFF_MS"] = "200";
  process.env["XQG_QUEUE_POLL_MS"] = "200";
}

export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Every file under `dir` (as `snapshot` reads it) → its SHA-256: byte-identity checked as fast as a digest, where
 * a deep comparison of the bytes themselves takes tens of seconds.
 */
export async function digests(dir: string): Promise<Map<string, string>> {
  const files = await snapshot(dir);
  return new Map([...files].map(([file, bytes]) => [file, createHash("sha256").update(bytes).digest("hex")]));
}

/** The digests of a local run's outputs (`xqg run` in one process) of the config `write` puts in a folder. */
export async function localDigests(write: (dir: string) => Promise<string>): Promise<Map<string, string>> {
  return withTempDir(async (dir) => {
    const local = await xqg("run", await write(dir), "--quiet");
    expect(local.code, local.stderr).toBe(0);
    return digests(join(dir, "out"));
  });
}

/**
 * Waits until the run writing to `out` is inside generation (its staging folder and its lease exist); returns
 * the pid of the process that holds the lease.
 */
export async function generationStarted(out: string): Promise<number> {
  const lease = join(out, "manifests/generate.json.lease");
  await waitFor(
    () => existsSync(join(out, "generated/.xqg-staging/generate")) && existsSync(lease),
    300_000,
    "generation to start",
  );
  return (JSON.parse(await readFile(lease, "utf8")) as { pid: number }).pid;
}
