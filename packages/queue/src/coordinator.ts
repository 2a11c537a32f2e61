import { existsSync } from "node:fs";
import {
  configInputs,
  type Estimate,
  formatDuration,
  type Logger,
  planExperiment,
  prepareRun,
  type RunConfig,
  RunEstimate,
  type StageEnv,
  UserError,
  unitDigest,
} from "@xqg/pipeline";
import { type Job, Queue, QueueEvents } from "bullmq";
import { checkRedis, parseQueueUrl, type QueueTarget } from "./connection.js";
import {
  jobIdOf,
  localVersions,
  planIdOf,
  QUEUE_NAME,
  queueTimings,
  type UnitJob,
  type UnitResult,
} from "./jobs.js";
import { LivenessReader } from "./liveness.js";

export interface CoordinatorOptions {
  /** `redis://HOST:PORT[/DB]`. */
  readonly queue: string;
  readonly log: Logger;
  readonly force: boolean;
  /** Attempts of each unit before it counts as failed (default 3), with exponential backoff between them. */
  readonly attempts?: number;
  /** Queue name (default `xqg-units`); tests and benchmarks use their own. */
  readonly queueName?: string;
}

/**
 * The coordinator of a distributed run: the plan of a local run (`planExperiment`), each unit a BullMQ job whose id
 * is the plan's id and the unit's key, enqueued once every unit it reads from is done. A restarted
 * coordinator (same config, same versions) finds its jobs by id and never enqueues a unit twice; a job that
 * Redis lost (restarted without persistence), or one whose manifest is missing although the queue says it is
 * done, is enqueued again: a unit whose manifest matches is skipped by the worker in moments.
 * Returns when every unit is done; throws naming each unit that failed after its last attempt.
 */
export async function runCoordinator(config: RunConfig, options: CoordinatorOptions): Promise<void> {
  if (config.shards.only !== undefined)
    throw new UserError(`${config.file}: shards: a queued run takes every shard; give shards: N, not "i/N"`);
  const target = parseQueueUrl(options.queue);
  await checkRedis(target);
  const env = await prepareRun(config, options);
  const plan = planExperiment(config);
  const packages = localVersions();
  const planId = planIdOf(plan.digest, packages, options.force, await inputDigests(config, env.hasher));
  const run = {
    config: config.file,
    output: config.output,
    threads: config.threads,
    ...(config.device === undefined ? {} : { device: config.device }),
  };
  options.log.info(
    `queue ${target.display}: ${plan.units.length} units of work (plan ${planId}); ` +
      `start workers with: xqg worker --queue ${target.display}`,
  );
  const { failures, blocked } = await coordinate(plan.units, {
    target,
    queueName: options.queueName ?? QUEUE_NAME,
    planId,
    attempts: options.attempts ?? 3,
    log: options.log,
    data: (unit): UnitJob => ({
      planId,
      key: unit.key,
      stage: unit.stage,
      unit,
      unitDigest: unitDigest(unit),
      run,
      force: options.force,
      packages,
    }),
  });
  if (failures.length > 0) {
    throw new UserError(
      `${failures.join("; ")}${blocked > 0 ? ` (${blocked} later units not run: they read its outputs)` : ""}`,
    );
  }
}

/**
 * The digests of the files and model folders the config names (`configInputs`), by role: a run whose files changed
 * at the same paths (an incremental corpus update, a checkpoint saved over the old one) is another run on the
 * queue. A model given as a Hugging Face id (no such path here) is pinned by the workers' hub caches instead.
 * Hashed through the output's hash cache, saved for the workers, which hash the same files.
 */
async function inputDigests(config: RunConfig, hasher: StageEnv["hasher"]): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const [role, path] of Object.entries(configInputs(config)))
    if (existsSync(path)) digests[role] = await hasher.hash(path);
  await hasher.save();
  return digests;
}

/** What the coordinator needs of a unit: its key, its stage, the units it reads from, its manifest. */
export interface QueuedUnit {
  readonly key: string;
  readonly stage: string;
  readonly deps: readonly string[];
  /** Present once the unit is done (the queue's word alone is not enough: outputs may have been deleted). */
  readonly manifest: string;
}

export interface CoordinateOptions<U extends QueuedUnit> {
  readonly target: QueueTarget;
  readonly queueName: string;
  readonly planId: string;
  readonly attempts: number;
  readonly log: Logger;
  /** The job's data for a unit. */
  readonly data: (unit: U) => object;
}

type UnitState = "waiting-deps" | "queued" | "done" | "failed" | "blocked";

/**
 * Puts `units` on the queue in dependency order and waits until each is done or failed (or blocked behind a
 * failed one). Completion events mark units done at once; every few polls the state of every queued unit is
 * read from Redis, which finds what the events missed (a Redis restarted without persistence has lost the
 * jobs: they are enqueued again).
 */
export async function coordinate<U extends QueuedUnit>(
  units: readonly U[],
  options: CoordinateOptions<U>,
): Promise<{ failures: string[]; blocked: number }> {
  const { target, planId, attempts, log } = options;
  const timings = queueTimings();
  const connection = { ...target.options };
  const queue = new Queue(options.queueName, { connection });
  const events = new QueueEvents(options.queueName, { connection });
  const connectionTrouble = trouble(log, target);
  queue.on("error", connectionTrouble);
  events.on("error", connectionTrouble);

  const byJob = new Map(units.map((u) => [jobIdOf(planId, u.key), u]));
  const state = new Map<string, UnitState>(units.map((u) => [u.key, "waiting-deps"]));
  const dependents = new Map<string, U[]>();
  for (const unit of units)
    for (const dep of unit.deps) dependents.set(dep, [...(dependents.get(dep) ?? []), unit]);
  const failures: string[] = [];
  const progress = log.progress(`queue ${target.display}`, units.length, "units");
  const unitOfJob = (jobId: string) => byJob.get(jobId)?.key;
  const estimate = new RunEstimate(units);
  const ranSeconds = new Map<string, number>();
  const liveness = new LivenessReader(target);
  /** Workers whose heartbeat is there (undefined: not looked yet); units seen on a gone worker, by worker. */
  let liveWorkers: number | undefined;
  const orphanWarned = new Map<string, string>();
  const showEstimate = () =>
    progress.note?.(
      describeEstimate(estimate.estimate(Date.now()), queuedCount > 0 ? liveWorkers : undefined),
    );
  const estimating = setInterval(showEstimate, ESTIMATE_EVERY_MS);
  events.on("active", ({ jobId }) => {
    const key = unitOfJob(jobId);
    if (key) estimate.started(key, Date.now());
  });
  events.on("progress", ({ jobId, data }) => {
    const key = unitOfJob(jobId);
    const p = data as { count?: number; total?: number | null } | number;
    if (key && typeof p === "object" && p !== null && typeof p.count === "number")
      estimate.progressed(key, p.count, p.total);
  });
  const toCheck = new Set<U>();
  let candidates = new Set<U>(units.filter((u) => u.deps.length === 0));
  let queuedCount = 0;
  let remaining = units.length;

  let wake: (() => void) | undefined;
  const markDone = (unit: U) => {
    if (state.get(unit.key) !== "queued") return;
    state.set(unit.key, "done");
    queuedCount--;
    remaining--;
    estimate.finished(unit.key, ranSeconds.get(unit.key));
    progress.tick();
    for (const next of dependents.get(unit.key) ?? []) candidates.add(next);
  };
  events.on("completed", ({ jobId, returnvalue }) => {
    const unit = byJob.get(jobId);
    if (!unit || state.get(unit.key) !== "queued") return;
    const result = parseResult(returnvalue);
    // a unit found done (skipped) says nothing about how long its stage takes
    if (result?.outcome === "ran" && typeof result.seconds === "number")
      ranSeconds.set(unit.key, result.seconds);
    if (existsSync(unit.manifest)) markDone(unit);
    else toCheck.add(unit);
    wake?.();
  });
  events.on("failed", ({ jobId }) => {
    const unit = byJob.get(jobId);
    if (!unit) return;
    toCheck.add(unit);
    wake?.();
  });

  let lastTrouble = 0;
  let lastFull = 0;
  const fullEveryMs = Math.max(2_000, timings.pollMs * 4);
  try {
    for (;;) {
      try {
        const full = performance.now() - lastFull >= fullEveryMs;
        if (full) {
          for (const unit of units) if (state.get(unit.key) === "queued") toCheck.add(unit);
          lastFull = performance.now();
        }
        const active = await check([...toCheck]);
        // on full checks only, when every active unit is among those read
        if (full) await checkHolders(active);
        await enqueueReady();
        lastTrouble = 0;
      } catch (error) {
        // Redis went away (or a command failed): keep the plan, look again shortly
        if (Date.now() - lastTrouble > 30_000) {
          log.warn(`queue ${target.display}: ${(error as Error).message.split("\n")[0]}; retrying`);
          lastTrouble = Date.now();
        }
      }
      if (remaining === 0 || (queuedCount === 0 && candidates.size === 0)) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timings.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    clearInterval(estimating);
    progress.done();
    await Promise.allSettled([events.close(), queue.close(), liveness.close()]);
  }
  const blocked = [...state.values()].filter((s) => s === "blocked" || s === "waiting-deps").length;
  return { failures, blocked };

  async function enqueueReady(): Promise<void> {
    const ready: U[] = [];
    const later = new Set<U>();
    for (const unit of candidates) {
      if (state.get(unit.key) !== "waiting-deps") continue;
      const deps = unit.deps.map((d) => state.get(d));
      if (deps.some((s) => s === "failed" || s === "blocked")) {
        state.set(unit.key, "blocked");
        estimate.dropped(unit.key);
        remaining--;
        for (const next of dependents.get(unit.key) ?? []) later.add(next);
      } else if (deps.every((s) => s === "done")) ready.push(unit);
    }
    candidates = later;
    if (ready.length === 0) return;
    try {
      await addJobs(ready);
    } catch (error) {
      for (const unit of ready) candidates.add(unit);
      throw error;
    }
    for (const unit of ready) {
      state.set(unit.key, "queued");
      // a restarted coordinator's job may be done already: no event will say so
      toCheck.add(unit);
    }
    queuedCount += ready.length;
  }

  async function addJobs(list: readonly U[]): Promise<void> {
    for (let i = 0; i < list.length; i += 1000) {
      await queue.addBulk(
        list.slice(i, i + 1000).map((unit) => ({
          name: unit.stage,
          data: options.data(unit),
          opts: {
            jobId: jobIdOf(planId, unit.key),
            attempts,
            backoff: { type: "exponential", delay: timings.backoffMs },
            removeOnFail: false,
            removeOnComplete: false,
          },
        })),
      );
    }
  }

  /**
   * Whether the workers of the `active` units still live (their heartbeat): a unit on a gone worker makes no
   * progress and is said so once, with when it returns to the queue; the ETA counts it as not started.
   */
  async function checkHolders(active: readonly U[]): Promise<void> {
    if (active.length === 0) {
      liveWorkers = (await liveness.liveWorkers(options.queueName)).length;
      return;
    }
    const jobs = await Promise.all(
      active.map((u) => queue.getJob(jobIdOf(planId, u.key)) as Promise<Job | undefined>),
    );
    const holders = await liveness.holders(
      options.queueName,
      jobs.map((job, i) => ({
        lockKey: `${queue.toKey(jobIdOf(planId, active[i]!.key))}:lock`,
        worker: job?.processedBy,
      })),
    );
    // read after the holders: a worker found gone there (its key expired) is not counted alive here
    liveWorkers = (await liveness.liveWorkers(options.queueName)).length;
    for (const [i, unit] of active.entries()) {
      const holder = holders[i]!;
      estimate.active(unit.key, jobs[i]?.processedOn ?? Date.now());
      estimate.orphaned(unit.key, !holder.alive);
      if (holder.alive || orphanWarned.get(unit.key) === holder.worker) continue;
      orphanWarned.set(unit.key, holder.worker);
      const back =
        holder.lockMs !== undefined
          ? `it returns to the queue when its lock expires in ~${Math.ceil(holder.lockMs / 1000)} s`
          : "its lock has expired: it returns to the queue at a live worker's next stall check";
      log.warn(
        `queue: unit ${unit.key} is active on worker ${holder.worker}, which is gone (no heartbeat); ${back}` +
          `${liveWorkers === 0 ? "; no live worker: start one with xqg worker --queue " + target.display : ""}`,
      );
    }
  }

  /** Reads the state of the `list`'s queued units and acts on it; returns those that are active. */
  async function check(list: readonly U[]): Promise<U[]> {
    const lost: U[] = [];
    const active: U[] = [];
    for (let i = 0; i < list.length; i += 500) {
      const chunk = list.slice(i, i + 500).filter((u) => state.get(u.key) === "queued");
      const states = await Promise.all(chunk.map((u) => queue.getJobState(jobIdOf(planId, u.key))));
      for (const [j, unit] of chunk.entries()) {
        toCheck.delete(unit);
        const s = states[j]!;
        if (s === "completed") {
          if (existsSync(unit.manifest)) markDone(unit);
          else {
            // the queue remembers it done but its outputs are gone (deleted, or another output folder)
            await queue.remove(jobIdOf(planId, unit.key));
            lost.push(unit);
          }
        } else if (s === "failed") {
          const job = (await queue.getJob(jobIdOf(planId, unit.key))) as Job | undefined;
          state.set(unit.key, "failed");
          estimate.dropped(unit.key);
          queuedCount--;
          remaining--;
          for (const next of dependents.get(unit.key) ?? []) candidates.add(next);
          const made = job?.attemptsMade ?? attempts;
          const reason = (job?.failedReason ?? "unknown error").split("\n")[0];
          failures.push(`unit ${unit.key} failed after ${made} attempt${made === 1 ? "" : "s"}: ${reason}`);
          log.warn(`queue: unit ${unit.key} failed after ${made} attempts: ${reason}`);
        } else if (s === "unknown") {
          lost.push(unit);
        } else if (s === "active") {
          active.push(unit);
        }
      }
    }
    if (lost.length > 0) {
      log.info(`queue: ${lost.length} unit(s) not in the queue (Redis restarted?); enqueued again`);
      await addJobs(lost);
    }
    return active;
  }
}

/** How often the coordinator's line is refreshed with the estimate (the logger decides what is printed). */
const ESTIMATE_EVERY_MS = 1_000;

function describeEstimate(estimate: Estimate, liveWorkers: number | undefined): string {
  const tail = estimate.orphaned
    ? ` (${estimate.orphaned} unit${estimate.orphaned === 1 ? "" : "s"} on a gone worker, to run again)`
    : "";
  if (liveWorkers === 0) return `ETA: none, no live worker${tail}`;
  if (estimate.seconds === undefined) return `ETA: after the first units${tail}`;
  return `ETA ${estimate.lowerBound ? "≥" : "≈"} ${formatDuration(estimate.seconds)} across the workers${tail}`;
}

/** A completed job's return value as the queue's events carry it (JSON text). */
function parseResult(value: unknown): Partial<UnitResult> | undefined {
  try {
    const parsed = typeof value === "string" ? JSON.parse(value) : value;
    return typeof parsed === "object" && parsed !== null ? (parsed as Partial<UnitResult>) : undefined;
  } catch {
    return undefined;
  }
}

function trouble(log: Logger, target: QueueTarget): (error: Error) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < 30_000) return;
    last = Date.now();
    log.warn(`queue ${target.display}: ${error.message.split("\n")[0]} (reconnecting)`);
  };
}
