import { type Job, Queue } from "bullmq";
import { checkRedis, parseQueueUrl } from "./connection.js";
import { QUEUE_NAME, type UnitJob, type UnitResult } from "./jobs.js";
import { describeOrphan, type Holder, LivenessReader } from "./liveness.js";

const ORDER = [
  "active",
  "waiting",
  "prioritized",
  "delayed",
  "waiting-children",
  "failed",
  "completed",
] as const;

/**
 * What `xqg status --queue URL` prints: a count per state, then one line per unit that is not done: active
 * ones with their worker and progress, waiting and delayed ones (a retry waits out its backoff), and failed
 * ones with their attempts and last error. An active unit whose worker's heartbeat is gone (killed, its node
 * lost) is said to be held by no live worker, with when it returns to the queue; the live workers are counted.
 */
export async function queueStatus(url: string, queueName = QUEUE_NAME): Promise<string> {
  const target = parseQueueUrl(url);
  await checkRedis(target);
  const queue = new Queue<UnitJob, UnitResult, string>(queueName, { connection: { ...target.options } });
  const liveness = new LivenessReader(target);
  try {
    const counts = await queue.getJobCounts(...ORDER);
    const lines = [
      `queue ${target.display}: ${ORDER.map((s) => `${counts[s] ?? 0} ${s === "completed" ? "done" : s}`).join(", ")}`,
    ];
    for (const state of ORDER.filter((s) => s !== "completed")) {
      const jobs = (await queue.getJobs([state], 0, 199, true)) as Array<Job<UnitJob, UnitResult>>;
      const holders =
        state === "active"
          ? await liveness.holders(
              queueName,
              jobs.map((job) => ({ lockKey: `${queue.toKey(job.id!)}:lock`, worker: job.processedBy })),
            )
          : [];
      for (const [i, job] of jobs.entries()) lines.push(`  ${describeJob(state, job, holders[i])}`);
      if ((counts[state] ?? 0) > jobs.length)
        lines.push(`  … ${(counts[state] ?? 0) - jobs.length} more ${state}`);
    }
    // read after the units' holders: a worker found gone there (its key expired) is not listed alive here
    const live = await liveness.liveWorkers(queueName);
    lines.splice(
      1,
      0,
      `workers: ${live.length === 0 ? "none alive" : `${live.length} alive (${shortList(live)})`}`,
    );
    return `${lines.join("\n")}\n`;
  } finally {
    await Promise.allSettled([queue.close(), liveness.close()]);
  }
}

function shortList(names: readonly string[]): string {
  return names.length <= 8 ? names.join(", ") : `${names.slice(0, 8).join(", ")}, … ${names.length - 8} more`;
}

function describeJob(state: string, job: Job<UnitJob, UnitResult>, holder?: Holder): string {
  const key = job.data?.key ?? job.id ?? "?";
  const plan = job.data?.planId ? ` (plan ${job.data.planId})` : "";
  if (state === "active") {
    const p = job.progress as
      | { label?: string; count?: number; total?: number | null; unit?: string }
      | number;
    const shown =
      typeof p === "object" && p !== null && p.count !== undefined
        ? `, ${p.label}: ${p.count}${p.total ? `/${p.total}` : ""} ${p.unit ?? ""}`.trimEnd()
        : "";
    if (holder && !holder.alive)
      return `active   ${key}${plan}: ${describeOrphan(holder)}, attempt ${job.attemptsStarted}${shown}`;
    return `active   ${key}${plan}: on ${job.processedBy ?? "a worker"}, attempt ${job.attemptsStarted}${shown}`;
  }
  if (state === "failed")
    return `failed   ${key}${plan}: after ${job.attemptsMade} attempts: ${(job.failedReason ?? "").split("\n")[0]}`;
  if (state === "delayed")
    return `delayed  ${key}${plan}: retry ${job.attemptsMade + 1} after: ${(job.failedReason ?? "").split("\n")[0]}`;
  return `${state.padEnd(8)} ${key}${plan}`;
}
