/**
 * The coordinator's estimate of the time left in a distributed run. Units differ by orders of magnitude (a
 * shard's generation takes hours, a merge seconds), so counting units says little; instead the work left is
 * estimated unit by unit and spread over the workers seen busy at once:
 *
 * - a running unit that reports progress (its count of a known total) needs `elapsed · (1 − f) / f` more;
 *   one without progress needs what its stage's finished units took on average, less its elapsed time;
 * - a unit not started yet needs its stage's mean (finished units first, else a running one extrapolated);
 * - the sum is divided by the most units seen running at once (the workers' capacity), and is never less than
 *   the longest running unit's own remainder;
 * - a unit still "active" on a worker that is gone (no heartbeat: killed, its node lost) makes no progress: it
 *   counts as not started (it runs again from scratch once its lock expires), and the estimate says how many.
 *
 * Dependencies are not modelled (a chain of stages may take longer than its work divided by the workers), and a
 * stage with no finished or measurable unit yet counts as zero: the estimate is then a lower bound, and says so.
 */
export interface Estimate {
  /** Seconds left, or undefined before anything could be measured. */
  readonly seconds: number | undefined;
  /** True when some unit's time is unknown yet (counted as zero). */
  readonly lowerBound: boolean;
  /** Units active on a worker that is gone (present only when some are). */
  readonly orphaned?: number;
}

interface Running {
  readonly since: number;
  fraction: number | undefined;
  /** Its worker is gone: it is not progressing. */
  orphaned?: boolean;
}

export class RunEstimate {
  readonly #stageOf: ReadonlyMap<string, string>;
  readonly #pending: Set<string>;
  readonly #running = new Map<string, Running>();
  readonly #finished = new Map<string, number[]>();
  #capacity = 1;

  /** `units`: every unit still to run (key and stage); units already done are left out. */
  constructor(units: ReadonlyArray<{ readonly key: string; readonly stage: string }>) {
    this.#stageOf = new Map(units.map((u) => [u.key, u.stage]));
    this.#pending = new Set(units.map((u) => u.key));
  }

  /** A worker started the unit at `at` (ms); a unit started again (a retry, a hand-back) restarts its clock. */
  started(key: string, at: number): void {
    if (!this.#stageOf.has(key)) return;
    this.#pending.delete(key);
    this.#running.set(key, { since: at, fraction: undefined });
    this.#capacity = Math.max(this.#capacity, this.#running.size);
  }

  /**
   * The queue says the unit is active since `at` (ms): started, unless its start was already seen (the
   * coordinator's events can miss a start, e.g. one just before they were listened to).
   */
  active(key: string, at: number): void {
    if (!this.#running.has(key)) this.started(key, at);
  }

  /** The unit's own progress: `count` of `total` (ignored without a total). */
  progressed(key: string, count: number, total: number | null | undefined): void {
    const running = this.#running.get(key);
    if (!running || !total || total <= 0) return;
    running.fraction = Math.min(1, Math.max(0, count / total));
  }

  /** Whether the worker running the unit is gone (then the unit counts as not started until it starts again). */
  orphaned(key: string, gone: boolean): void {
    const running = this.#running.get(key);
    if (running) running.orphaned = gone;
  }

  /** The unit is done; `seconds` is how long it ran (undefined: done elsewhere, e.g. found done). */
  finished(key: string, seconds: number | undefined): void {
    const stage = this.#stageOf.get(key);
    if (stage === undefined) return;
    this.#pending.delete(key);
    this.#running.delete(key);
    if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0)
      this.#finished.set(stage, [...(this.#finished.get(stage) ?? []), seconds]);
  }

  /** The unit will not run (it failed, or a unit it reads failed). */
  dropped(key: string): void {
    this.#pending.delete(key);
    this.#running.delete(key);
  }

  estimate(now: number): Estimate {
    let unknown = false;
    let measured = false;
    let total = 0;
    let longest = 0;
    let orphaned = 0;
    const typical = this.#typicalSeconds(now);
    for (const [key, running] of this.#running) {
      if (running.orphaned) {
        orphaned++;
        const mean = typical.get(this.#stageOf.get(key)!);
        if (mean === undefined) unknown = true;
        else {
          measured = true;
          total += mean;
        }
        continue;
      }
      const elapsed = Math.max(0, (now - running.since) / 1000);
      const mean = typical.get(this.#stageOf.get(key)!);
      let left: number | undefined;
      if (running.fraction !== undefined && running.fraction > 0)
        left = (elapsed * (1 - running.fraction)) / running.fraction;
      else if (mean !== undefined) left = Math.max(0, mean - elapsed);
      if (left === undefined) {
        unknown = true;
        continue;
      }
      measured = true;
      total += left;
      longest = Math.max(longest, left);
    }
    for (const key of this.#pending) {
      const mean = typical.get(this.#stageOf.get(key)!);
      if (mean === undefined) unknown = true;
      else {
        measured = true;
        total += mean;
      }
    }
    const extra = orphaned > 0 ? { orphaned } : {};
    if (!measured) return { seconds: undefined, lowerBound: unknown, ...extra };
    return { seconds: Math.max(total / this.#capacity, longest), lowerBound: unknown, ...extra };
  }

  /** Seconds a unit of each stage takes: the mean of its finished units, else of its running ones extrapolated. */
  #typicalSeconds(now: number): Map<string, number> {
    const typical = new Map<string, number>();
    for (const [stage, seconds] of this.#finished)
      typical.set(stage, seconds.reduce((a, b) => a + b, 0) / seconds.length);
    const extrapolated = new Map<string, number[]>();
    for (const [key, running] of this.#running) {
      const stage = this.#stageOf.get(key)!;
      if (typical.has(stage) || running.orphaned || running.fraction === undefined || running.fraction <= 0)
        continue;
      const elapsed = Math.max(0, (now - running.since) / 1000);
      extrapolated.set(stage, [...(extrapolated.get(stage) ?? []), elapsed / running.fraction]);
    }
    for (const [stage, seconds] of extrapolated)
      typical.set(stage, seconds.reduce((a, b) => a + b, 0) / seconds.length);
    return typical;
  }
}
