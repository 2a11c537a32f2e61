import { type Job, Queue } from "bullmq";
import { checkRedis, parseQueueUrl } from "./connection.js";
import { QUEUE_NAME, type UnitJob, type UnitResult } from "./jobs.js";

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
 * ones with their attempts and last error.
 */
export async function queueStatus(url: string, queueName = QUEUE_NAME): Promise<string> {
  const target = parseQueueUrl(url);
  await checkRedis(target);
  const queue = new Queue<UnitJob, UnitResult, string>(queueName, { connection: { ...target.options } });
  try {
    const counts = await queue.getJobCounts(...ORDER);
    const lines = [
      `queue ${target.display}: ${ORDER.map((s) => `${counts[s] ?? 0} ${s === "completed" ? "done" : s}`).join(", ")}`,
    ];
    for (const state of ORDER.filter((s) => s !== "completed")) {
      const jobs = (await queue.getJobs([state], 0, 199, true)) as Array<Job<UnitJob, UnitResult>>;
      for (const job of jobs) lines.push(`  ${describeJob(state, job)}`);
      if ((counts[state] ?? 0) > jobs.length)
        lines.push(`  … ${(counts[state] ?? 0) - jobs.length} more ${state}`);
    }
    return `${lines.join("\n")}\n`;
  } finally {
    await queue.close();
  }
}

function describeJob(state: string, job: Job<UnitJob, UnitResult>): string {
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
    return `active   ${key}${plan}: on ${job.processedBy ?? "a worker"}, attempt ${job.attemptsStarted}${shown}`;
  }
  if (state === "failed")
    return `failed   ${key}${plan}: after ${job.attemptsMade} attempts: ${(job.failedReason ?? "").split("\n")[0]}`;
  if (state === "delayed")
    return `delayed  ${key}${plan}: retry ${job.attemptsMade + 1} after: ${(job.failedReason ?? "").split("\n")[0]}`;
  return `${state.padEnd(8)} ${key}${plan}`;
}
