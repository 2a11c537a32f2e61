import { createHash } from "node:crypto";
import { codeVersions, type Device, type Unit } from "@xqg/pipeline";

/** The BullMQ queue every coordinator and worker of xqg uses (one per Redis database). */
export const QUEUE_NAME = "xqg-units";

/** What a job carries: one unit of the coordinator's plan, as data, and how to run it. */
export interface UnitJob {
  /** The plan's digest with the code versions: the same run has the same id, on any coordinator. */
  readonly planId: string;
  readonly key: string;
  readonly stage: string;
  /** The unit itself (plain data): the worker runs it as it is, without planning. */
  readonly unit: Unit;
  /** `unitDigest(unit)` as the coordinator computed it: a worker that computes another refuses the unit. */
  readonly unitDigest: string;
  /** The run the unit belongs to: its config file (for messages), output folder (hash cache) and knobs. */
  readonly run: {
    readonly config: string;
    readonly output: string;
    readonly threads: number;
    readonly device?: Device;
  };
  readonly force: boolean;
  /** `{ package: version }` of the code that planned the unit (`codeVersions()` of the coordinator). */
  readonly packages: Record<string, string>;
}

/** What a worker returns for a finished unit. */
export interface UnitResult {
  readonly outcome: "ran" | "skipped";
  readonly worker: string;
  readonly seconds: number;
}

export function localVersions(): Record<string, string> {
  return codeVersions();
}

/**
 * The id of a run on the queue: its plan, the code's versions and the digests of its input files (`inputs`, role →
 * SHA-256). The plan names inputs by path, so without their digests a run after a corpus change would find the
 * previous run's jobs done and run nothing.
 */
export function planIdOf(
  planDigest: string,
  packages: Record<string, string>,
  force: boolean,
  inputs: Record<string, string> = {},
): string {
  const digest = createHash("sha256").update(JSON.stringify({ plan: planDigest, packages, inputs }));
  // --force asks for every unit again: a fresh id, so completed jobs of an earlier run do not count
  if (force) digest.update(`force ${Date.now()} ${Math.random()}`);
  return digest.digest("hex").slice(0, 16);
}

/** BullMQ job id of a unit: the plan's id and the unit's key (no ":", which BullMQ reserves). */
export function jobIdOf(planId: string, key: string): string {
  return `${planId}.${key}`;
}

/** Differences between the coordinator's package versions and the worker's, e.g. `xqg 0.2.0 (coordinator) vs 0.3.0 (this worker)`. */
export function versionMismatch(planned: Record<string, string>, mine: Record<string, string>): string[] {
  const names = [...new Set([...Object.keys(planned), ...Object.keys(mine)])].sort();
  return names
    .filter((name) => planned[name] !== mine[name])
    .map(
      (name) =>
        `${name} ${planned[name] ?? "(none)"} (coordinator) vs ${mine[name] ?? "(none)"} (this worker)`,
    );
}

const envMs = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** Timing of the queue, from the environment (tests shorten them). */
export function queueTimings() {
  return {
    /** How long a worker's lock on a job lasts without renewal (renewed every half of it). */
    lockMs: envMs("XQG_QUEUE_LOCK_MS", 30_000),
    /** How often workers look for stalled jobs (a dead worker's) and put them back in the queue. */
    stalledMs: envMs("XQG_QUEUE_STALLED_MS", 30_000),
    /** First retry delay of a failed unit; doubled for each further attempt. */
    backoffMs: envMs("XQG_QUEUE_BACKOFF_MS", 5_000),
    /** How often the coordinator looks at the state of the units it waits for. */
    pollMs: envMs("XQG_QUEUE_POLL_MS", 500),
  };
}
