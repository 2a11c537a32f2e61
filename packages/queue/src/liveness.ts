import { Redis } from "ioredis";
import type { QueueTarget } from "./connection.js";

/**
 * Which workers are alive. BullMQ knows who took a job (`job.processedBy`, the worker's name) but not whether
 * that worker still lives: a SIGKILLed worker's job stays "active" until its lock expires and some other worker's
 * stall check puts it back (with no other worker, never). So every worker keeps a key of its own in Redis,
 * `xqg:worker:<queue>:<name>`, written every `heartbeatMs` with a time to live of three beats: the key is there
 * while the worker lives and is gone within `ttlMs` of its death (SIGKILL, a lost node, a cut network), whatever
 * state its TCP connection is left in. `CLIENT LIST` (BullMQ's `getWorkers`) was not used: a lost node's
 * connection stays listed until Redis's TCP keepalive gives up (minutes), and managed Redis services refuse it.
 */
export function heartbeatKey(queueName: string, worker: string): string {
  return `xqg:worker:${queueName}:${worker}`;
}

const envMs = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** How often a worker writes its heartbeat, and how long the key outlives the last write (tests shorten it). */
export function heartbeatTimings() {
  const heartbeatMs = envMs("XQG_WORKER_HEARTBEAT_MS", 5_000);
  return { heartbeatMs, ttlMs: heartbeatMs * 3 };
}

/** What a worker's heartbeat key holds (JSON): enough for `xqg status` to name it. */
export interface HeartbeatInfo {
  readonly worker: string;
  readonly since: string;
  readonly concurrency: number;
}

/** The state of a worker's heartbeat, as its health endpoint reports it. */
export interface Heartbeat {
  /** `performance.now()` of the last heartbeat Redis acknowledged (undefined: none yet). */
  lastOk(): number | undefined;
  /** The last failure's one-line reason, when the last beat failed. */
  lastError(): string | undefined;
  /** Stops beating and deletes the key (a worker that exits on purpose holds nothing). */
  stop(): Promise<void>;
}

/** Starts a worker's heartbeat on its own connection; a Redis that is away only makes beats fail (and retried). */
export async function startHeartbeat(
  target: QueueTarget,
  queueName: string,
  info: HeartbeatInfo,
): Promise<Heartbeat> {
  const { heartbeatMs, ttlMs } = heartbeatTimings();
  const key = heartbeatKey(queueName, info.worker);
  const client = new Redis({
    ...target.options,
    // fail a beat at once while Redis is away rather than queueing it; reconnect in the background
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: heartbeatMs,
    retryStrategy: (times) => Math.min(times * 200, heartbeatMs),
  });
  client.on("error", () => undefined);
  let ok: number | undefined;
  let error: string | undefined;
  const value = JSON.stringify(info);
  const beat = async () => {
    try {
      await client.set(key, value, "PX", ttlMs);
      ok = performance.now();
      error = undefined;
    } catch (e) {
      error = (e as Error).message.split("\n")[0];
    }
  };
  // the first beat once connected (Redis answered checkRedis a moment ago), not into a connection not yet open
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, Math.max(heartbeatMs, 2_000));
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await beat();
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();
  return {
    lastOk: () => ok,
    lastError: () => error,
    async stop() {
      clearInterval(timer);
      try {
        if (client.status === "ready") await client.del(key);
      } catch {
        // Redis away: the key expires by itself
      }
      client.disconnect();
    },
  };
}

/** What is known of the worker that holds an active job. */
export interface Holder {
  readonly worker: string;
  /** Whether its heartbeat key is there. */
  readonly alive: boolean;
  /** Milliseconds left on the job's lock (undefined: no lock left, so the job goes back at the next stall check). */
  readonly lockMs: number | undefined;
}

/** A short-lived reader of heartbeats and job locks (for `xqg status` and the coordinator). */
export class LivenessReader {
  readonly #client: Redis;

  constructor(target: QueueTarget) {
    this.#client = new Redis({ ...target.options, maxRetriesPerRequest: 1, lazyConnect: false });
    this.#client.on("error", () => undefined);
  }

  /** The names of the workers whose heartbeat is there, for `queueName`. */
  async liveWorkers(queueName: string): Promise<string[]> {
    const prefix = heartbeatKey(queueName, "");
    const names: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await this.#client.scan(cursor, "MATCH", `${escapeGlob(prefix)}*`, "COUNT", 1000);
      cursor = next;
      for (const key of keys) names.push(key.slice(prefix.length));
    } while (cursor !== "0");
    return names.sort();
  }

  /**
   * For each active job (`lockKey`: BullMQ's `queue.toKey(jobId) + ":lock"`, `worker`: its `processedBy`), whether
   * its worker is alive and how long its lock has left. One round trip for all of them.
   */
  async holders(
    queueName: string,
    jobs: ReadonlyArray<{ readonly lockKey: string; readonly worker: string | undefined }>,
  ): Promise<Holder[]> {
    if (jobs.length === 0) return [];
    const pipeline = this.#client.pipeline();
    for (const job of jobs) {
      if (job.worker === undefined) pipeline.echo("1");
      else pipeline.exists(heartbeatKey(queueName, job.worker));
      pipeline.pttl(job.lockKey);
    }
    const replies = (await pipeline.exec()) ?? [];
    return jobs.map((job, i) => {
      const [existsError, exists] = replies[2 * i] ?? [];
      const [, pttl] = replies[2 * i + 1] ?? [];
      if (existsError) throw existsError;
      const ms = Number(pttl);
      return {
        worker: job.worker ?? "an unnamed worker",
        // a job without a recorded worker is not judged (a worker of another program)
        alive: job.worker === undefined || Number(exists) === 1,
        lockMs: Number.isFinite(ms) && ms > 0 ? ms : undefined,
      };
    });
  }

  async close(): Promise<void> {
    this.#client.disconnect();
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** `xqg status`'s words for an active job whose worker is gone. */
export function describeOrphan(holder: Holder): string {
  const back =
    holder.lockMs !== undefined
      ? `it returns to the queue when its lock expires in ~${Math.ceil(holder.lockMs / 1000)} s and a live worker looks for stalled jobs`
      : "its lock has expired: it returns to the queue as soon as a live worker looks for stalled jobs";
  return `active, but no live worker holds it (its worker ${holder.worker} is gone; ${back})`;
}
