import { existsSync } from "node:fs";
import { type Job, Queue, QueueEvents } from "bullmq";
import type { RunConfig } from "../config.js";
import { UserError } from "../errors.js";
import { prepareRun } from "../pipeline.js";
import { planUnits, type Unit } from "../plan.js";
import type { Logger } from "../progress.js";
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

type UnitState = "waiting-deps" | "queued" | "done" | "failed" | "blocked";

/**
 * The coordinator of a distributed run: the plan of a local run (`planUnits`), each unit a BullMQ job whose id
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
  await prepareRun(config, options);
  const plan = planUnits(config);
  const packages = localVersions();
  const planId = planIdOf(config, packages, options.force);
  const timings = queueTimings();
  const attempts = options.attempts ?? 3;
  const log = options.log;
  const connection = { ...target.options };
  const name = options.queueName ?? QUEUE_NAME;
  const queue = new Queue<UnitJob, UnitResult, string>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const connectionTrouble = trouble(log, target);
  queue.on("error", connectionTrouble);
  events.on("error", connectionTrouble);

  let wake: (() => void) | undefined;
  const nudge = () => wake?.();
  events.on("completed", nudge);
  events.on("failed", nudge);

  const state = new Map<string, UnitState>(plan.units.map((u) => [u.key, "waiting-deps"]));
  const failures: string[] = [];
  const progress = log.progress(`queue ${target.display}`, plan.units.length, "units");
  log.info(`queue ${target.display}: ${plan.units.length} units of work (plan ${planId}); start workers with: xqg worker --queue ${target.display}`);
  let lastTrouble = 0;
  try {
    for (;;) {
      try {
        await refresh();
        await enqueueReady();
        lastTrouble = 0;
      } catch (error) {
        // Redis went away (or a command failed): keep the plan, look again shortly
        if (Date.now() - lastTrouble > 30_000) {
          log.warn(`queue ${target.display}: ${(error as Error).message}; retrying`);
          lastTrouble = Date.now();
        }
      }
      const states = [...state.values()];
      if (states.every((s) => s === "done")) break;
      if (!states.includes("queued") && !states.includes("waiting-deps")) break;
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
    progress.done();
    await Promise.allSettled([events.close(), queue.close()]);
  }
  if (failures.length > 0) {
    const blocked = [...state.values()].filter((s) => s === "blocked").length;
    throw new UserError(
      `${failures.join("; ")}${blocked > 0 ? ` (${blocked} later units not run: they read its outputs)` : ""}`,
    );
  }

  async function enqueueReady(): Promise<void> {
    const ready: Unit[] = [];
    for (const unit of plan.units) {
      if (state.get(unit.key) !== "waiting-deps") continue;
      const deps = unit.deps.map((d) => state.get(d));
      if (deps.some((s) => s === "failed" || s === "blocked")) state.set(unit.key, "blocked");
      else if (deps.every((s) => s === "done")) ready.push(unit);
    }
    if (ready.length === 0) return;
    await addJobs(ready);
    for (const unit of ready) state.set(unit.key, "queued");
  }

  async function addJobs(units: Unit[]): Promise<void> {
    for (let i = 0; i < units.length; i += 1000) {
      await queue.addBulk(
        units.slice(i, i + 1000).map((unit) => ({
          name: unit.stage,
          data: { planId, key: unit.key, stage: unit.stage, config, force: options.force, packages },
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

  async function refresh(): Promise<void> {
    const queued = plan.units.filter((u) => state.get(u.key) === "queued");
    const lost: Unit[] = [];
    for (let i = 0; i < queued.length; i += 500) {
      const chunk = queued.slice(i, i + 500);
      const states = await Promise.all(chunk.map((u) => queue.getJobState(jobIdOf(planId, u.key))));
      for (const [j, unit] of chunk.entries()) {
        const s = states[j]!;
        if (s === "completed") {
          if (existsSync(unit.manifest)) {
            state.set(unit.key, "done");
            progress.tick();
          } else {
            // the queue remembers it done but its outputs are gone (deleted, or another output folder)
            await queue.remove(jobIdOf(planId, unit.key));
            lost.push(unit);
          }
        } else if (s === "failed") {
          const job = (await queue.getJob(jobIdOf(planId, unit.key))) as Job<UnitJob> | undefined;
          state.set(unit.key, "failed");
          const made = job?.attemptsMade ?? attempts;
          const reason = (job?.failedReason ?? "unknown error").split("\n")[0];
          failures.push(
            `unit ${unit.key} failed after ${made} attempt${made === 1 ? "" : "s"}: ${reason}`,
          );
          log.warn(`queue: unit ${unit.key} failed after ${made} attempts: ${reason}`);
        } else if (s === "unknown") {
          lost.push(unit);
        }
      }
    }
    if (lost.length > 0) {
      log.info(`queue: ${lost.length} unit(s) not in the queue (Redis restarted?); enqueued again`);
      await addJobs(lost);
    }
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
