import type { Plan, Unit } from "./plan.js";
import { Scheduler } from "./scheduler.js";
import type { StageEnv } from "./stages/common.js";
import { runUnit } from "./units.js";

/** What became of a plan's units. */
export interface Execution {
  readonly ran: readonly string[];
  readonly skipped: readonly string[];
}

/**
 * Runs a plan's units, each after its dependencies. The local executor below runs them in this process; a queue
 * (BullMQ), a cluster's jobs or a team's own scheduler implement the same interface over `Scheduler` and
 * `runUnit`, so that every unit runs through the same code path and the outputs are the same.
 */
export interface Executor {
  execute(plan: Plan, env: StageEnv, options?: { readonly signal?: AbortSignal }): Promise<Execution>;
}

/**
 * Runs the units in this process, `concurrency` at a time (default 1: one after the other, in plan order, as
 * `xqg run` does). The first failure stops it: units already running finish, nothing new starts, and the
 * failure is thrown. An aborted `signal` stops it the same way: the running units stop after their current
 * batch (the signal reaches the package calls they make), their staging is removed, and nothing new starts.
 */
export function localExecutor(
  options: {
    readonly concurrency?: number;
    /** How a unit runs (default `runUnit`); a wrapper can time, log or retry it. */
    readonly run?: (unit: Unit, env: StageEnv) => Promise<"ran" | "skipped">;
  } = {},
): Executor {
  const concurrency = options.concurrency ?? 1;
  const run = options.run ?? runUnit;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`localExecutor: concurrency must be a positive integer, got ${concurrency}`);
  return {
    async execute(plan, env, { signal } = {}) {
      const scheduler = new Scheduler<Unit>(plan.units);
      const ran: string[] = [];
      const skipped: string[] = [];
      const running = new Map<string, Promise<void>>();
      let failure: { error: unknown } | undefined;
      const start = (unit: Unit) => {
        scheduler.start(unit.key);
        const done = run(unit, signal ? { ...env, signal } : env).then(
          (outcome) => {
            (outcome === "ran" ? ran : skipped).push(unit.key);
            scheduler.finish(unit.key);
          },
          (error: unknown) => {
            scheduler.fail(unit.key);
            failure ??= { error };
          },
        );
        running.set(
          unit.key,
          done.finally(() => running.delete(unit.key)),
        );
      };
      for (;;) {
        if (signal?.aborted) failure ??= { error: signal.reason };
        if (!failure) {
          for (const unit of scheduler.ready()) {
            if (running.size >= concurrency) break;
            start(unit);
          }
        }
        if (running.size === 0) break;
        await Promise.race(running.values());
      }
      if (failure) throw failure.error;
      return { ran, skipped };
    },
  };
}
