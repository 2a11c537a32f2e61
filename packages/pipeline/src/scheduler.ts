/**
 * The units of a plan as a state machine, with no transport: which units may start now, and what follows when
 * one finishes or fails. Executors (one process, a queue, a cluster's jobs) drive it; it never runs anything.
 *
 * waiting → ready (every dependency done) → running → done | failed; a failure blocks every unit that depends
 * on it, directly or not.
 */
export type UnitStatus = "waiting" | "ready" | "running" | "done" | "failed" | "blocked";

export interface SchedulerUnit {
  readonly key: string;
  readonly deps: readonly string[];
}

export class Scheduler<U extends SchedulerUnit> {
  readonly #units: readonly U[];
  readonly #status = new Map<string, UnitStatus>();
  readonly #dependents = new Map<string, string[]>();

  constructor(units: readonly U[]) {
    this.#units = units;
    const keys = new Set(units.map((u) => u.key));
    for (const unit of units) {
      for (const dep of unit.deps) {
        if (!keys.has(dep))
          throw new Error(`bug: unit ${unit.key} depends on ${dep}, which is not in the plan`);
        this.#dependents.set(dep, [...(this.#dependents.get(dep) ?? []), unit.key]);
      }
    }
    for (const unit of units) this.#status.set(unit.key, "waiting");
    this.#promote();
  }

  /** The units that may start now, in plan order (each is `ready` until `start`). */
  ready(): U[] {
    return this.#units.filter((u) => this.#status.get(u.key) === "ready");
  }

  start(key: string): void {
    this.#move(key, "ready", "running");
  }

  finish(key: string): void {
    this.#move(key, "running", "done");
    this.#promote();
  }

  /** Marks a running unit failed and every unit after it blocked; returns the keys it blocked. */
  fail(key: string): string[] {
    this.#move(key, "running", "failed");
    const blocked: string[] = [];
    const stack = [...(this.#dependents.get(key) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (this.#status.get(next) === "blocked") continue;
      this.#status.set(next, "blocked");
      blocked.push(next);
      stack.push(...(this.#dependents.get(next) ?? []));
    }
    return blocked;
  }

  status(key: string): UnitStatus {
    const status = this.#status.get(key);
    if (status === undefined) throw new Error(`bug: no unit ${key}`);
    return status;
  }

  /** Whether nothing is left to start or running: every unit is done, failed or blocked. */
  get settled(): boolean {
    return [...this.#status.values()].every((s) => s === "done" || s === "failed" || s === "blocked");
  }

  /** How many units are in each status. */
  counts(): Record<UnitStatus, number> {
    const counts = { waiting: 0, ready: 0, running: 0, done: 0, failed: 0, blocked: 0 };
    for (const status of this.#status.values()) counts[status]++;
    return counts;
  }

  #move(key: string, from: UnitStatus, to: UnitStatus): void {
    const status = this.status(key);
    if (status !== from) throw new Error(`bug: unit ${key} is ${status}, not ${from}`);
    this.#status.set(key, to);
  }

  #promote(): void {
    for (const unit of this.#units) {
      if (this.#status.get(unit.key) !== "waiting") continue;
      if (unit.deps.every((dep) => this.#status.get(dep) === "done")) this.#status.set(unit.key, "ready");
    }
  }
}
