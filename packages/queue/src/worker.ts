import { hostname } from "node:os";
import { type Device, type Logger, openStageEnv, type Progress, runUnit, unitDigest } from "@xqg/pipeline";
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import { checkRedis, parseQueueUrl } from "./connection.js";
import { startHealthServer } from "./health.js";
import {
  localVersions,
  QUEUE_NAME,
  queueTimings,
  type UnitJob,
  type UnitResult,
  versionMismatch,
} from "./jobs.js";
import { heartbeatTimings, startHeartbeat } from "./liveness.js";

export interface WorkerOptions {
  readonly queue: string;
  readonly log: Logger;
  /** Units this process runs at once (default 1). */
  readonly concurrency?: number;
  /** ONNX Runtime / index threads per unit (default: the config's `threads`). */
  readonly threads?: number;
  /** Where this worker runs the models (default: the config's `device`). */
  readonly device?: Device;
  readonly queueName?: string;
  /** Stop after this long without a unit to run (default: never). */
  readonly idleExitMs?: number;
  /** Serve `GET /livez` and `GET /readyz` on this port (health.ts). */
  readonly healthPort?: number;
}

export interface RunningWorker {
  /** Stops taking jobs and waits for the units in progress (`force`: at once). */
  close(force?: boolean): Promise<void>;
  /**
   * Stops taking jobs and moves the jobs in progress back to the queue's waiting list at once, for another
   * worker to run from scratch: not a failed attempt, not a stall (on SIGTERM / SIGINT, before exiting; the
   * units' computation cannot be aborted and goes on until the process exits). Resolves to the units handed
   * back, and those that could not be (their lock was lost: the queue gives them out again when it expires).
   */
  handBack(): Promise<{ readonly handedBack: string[]; readonly kept: string[] }>;
  /** Resolves when the worker has stopped. */
  readonly closed: Promise<void>;
}

/**
 * An `xqg worker`: takes units of work off the queue and runs each as it is given (`runUnit`, the code path of
 * a local run: lease, manifest check, staging, rename, manifest), without planning. A job planned with other
 * package versions, or whose unit's digest is not the one the coordinator computed, is refused, naming both. A job delivered twice (the
 * queue delivers at least once) meets the unit's lease, then its manifest, and does no harm.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const target = parseQueueUrl(options.queue);
  await checkRedis(target);
  const timings = queueTimings();
  const mine = localVersions();
  const me = `${hostname()}:${process.pid}`;
  const log = options.log;
  const queueName = options.queueName ?? QUEUE_NAME;
  // the queue's sign that this worker lives (xqg status, the coordinator): a key that expires soon after death
  const heartbeat = await startHeartbeat(target, queueName, {
    worker: me,
    since: new Date().toISOString(),
    concurrency: options.concurrency ?? 1,
  });
  let serving = true;
  const health =
    options.healthPort === undefined
      ? undefined
      : await startHealthServer(options.healthPort, {
          heartbeat,
          ttlMs: heartbeatTimings().ttlMs,
          display: target.display,
          worker: me,
          running: () => serving,
        }).catch(async (error: unknown) => {
          await heartbeat.stop();
          throw error;
        });

  let busy = 0;
  let idleSince = performance.now();
  /** The jobs in progress, with the token of their lock; `back`: their move back to waiting, once asked. */
  interface Running {
    readonly job: Job<UnitJob, UnitResult>;
    readonly token: string;
    back?: Promise<boolean>;
  }
  const running = new Set<Running>();
  const handed = { handedBack: [] as string[], kept: [] as string[] };
  let stopping = false;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const giveBack = (entry: Running): Promise<boolean> => {
    entry.back ??= entry.job.moveToWait(entry.token).then(
      () => {
        handed.handedBack.push(entry.job.data.key);
        return true;
      },
      (error: Error) => {
        handed.kept.push(`${entry.job.data.key} (${error.message.split("\n")[0]})`);
        return false;
      },
    );
    return entry.back;
  };
  const processor = async (job: Job<UnitJob, UnitResult>, token?: string): Promise<UnitResult> => {
    const entry: Running = { job, token: token ?? "" };
    running.add(entry);
    busy++;
    try {
      if (!stopping) {
        const work = runJob(job).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        const first = await Promise.race([work, stopped.then(() => undefined)]);
        if (first && !entry.back) {
          if ("error" in first) throw first.error;
          return first.result;
        }
      }
      // handed back (this worker stops): the job is waiting again, so BullMQ must neither complete nor fail
      // it, which a WaitingError tells it. The unit's computation goes on, unawaited, until the process exits.
      await giveBack(entry);
      throw new WaitingError(`unit ${job.data.key} handed back to the queue by ${me}`);
    } finally {
      running.delete(entry);
      busy--;
      idleSince = performance.now();
    }
  };
  const runJob = async (job: Job<UnitJob, UnitResult>): Promise<UnitResult> => {
    const data = job.data;
    const differences = versionMismatch(data.packages, mine);
    if (differences.length > 0) {
      throw new UnrecoverableError(
        `refused by worker ${me}: planned with other package versions: ${differences.join(", ")}`,
      );
    }
    const digest = unitDigest(data.unit);
    if (digest !== data.unitDigest || data.unit.key !== data.key) {
      throw new UnrecoverableError(
        `refused by worker ${me}: unit ${data.key} of ${data.run.config} has digest ${digest.slice(0, 16)} here, ` +
          `${data.unitDigest.slice(0, 16)} at the coordinator (the job was altered, or made by other code)`,
      );
    }
    const started = performance.now();
    // reopened per unit: other workers add the digests of what they wrote
    const env = await openStageEnv({
      output: data.run.output,
      log: reporting(log, job),
      force: data.force,
      threads: options.threads ?? data.run.threads,
      device: options.device ?? data.run.device ?? "cpu",
    });
    log.info(`unit ${data.key}: started (job ${job.id}, attempt ${job.attemptsMade + 1})`);
    const outcome = await runUnit(data.unit, env);
    return { outcome, worker: me, seconds: (performance.now() - started) / 1000 };
  };

  const worker = new Worker<UnitJob, UnitResult>(queueName, processor, {
    connection: { ...target.options },
    concurrency: options.concurrency ?? 1,
    name: me,
    lockDuration: timings.lockMs,
    stalledInterval: timings.stalledMs,
    // a unit may survive a few dead workers before it counts as failed
    maxStalledCount: 3,
  });
  let lastError = 0;
  worker.on("error", (error) => {
    if (stopping) return;
    if (Date.now() - lastError < 30_000) return;
    lastError = Date.now();
    log.warn(`worker ${me}: ${error.message.split("\n")[0]} (reconnecting)`);
  });
  worker.on("failed", (job, error) => {
    if (job)
      log.warn(`unit ${job.data.key}: attempt ${job.attemptsMade} failed: ${error.message.split("\n")[0]}`);
  });
  log.info(`worker ${me}: waiting for units on ${target.display} (concurrency ${options.concurrency ?? 1})`);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const finish = async () => {
    serving = false;
    health?.close();
    await heartbeat.stop();
  };
  worker.on("closed", () => {
    void finish().then(resolveClosed, resolveClosed);
  });
  if (options.idleExitMs !== undefined) {
    const idleMs = options.idleExitMs;
    const timer = setInterval(() => {
      if (busy === 0 && performance.now() - idleSince >= idleMs) {
        clearInterval(timer);
        log.info(`worker ${me}: no unit for ${Math.round(idleMs / 1000)} s; exiting`);
        void worker.close();
      }
    }, 250);
    worker.on("closed", () => clearInterval(timer));
  }
  return {
    async close(force = false) {
      await worker.close(force);
    },
    async handBack() {
      stopping = true;
      // no job taken from now on (paused is set at once); the jobs in progress are not waited for
      await worker.pause(true);
      stop();
      await Promise.all([...running].map(giveBack));
      await finish();
      return { handedBack: [...handed.handedBack], kept: [...handed.kept] };
    },
    closed,
  };
}

/** The worker's logger, also reporting each progress bar's count to the job (seen by `xqg status`). */
function reporting(log: Logger, job: Job): Logger {
  return {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    progress(label, total, unit): Progress {
      const inner = log.progress(label, total, unit);
      let count = 0;
      let last = 0;
      return {
        tick(n = 1) {
          inner.tick(n);
          count += n;
          const now = Date.now();
          if (now - last >= 1_000) {
            last = now;
            job.updateProgress({ label, count, total: total ?? null, unit }).catch(() => undefined);
          }
        },
        done() {
          inner.done();
          job.updateProgress({ label, count, total: total ?? null, unit }).catch(() => undefined);
        },
      };
    },
  };
}
