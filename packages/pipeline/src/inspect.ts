import { existsSync } from "node:fs";
import type { RunConfig } from "./config.js";
import { UserError } from "./errors.js";
import { Hasher } from "./hash.js";
import { layout } from "./layout.js";
import type { ReuseCounts, UnitState } from "./manifest.js";
import { type Plan, planUnits, type Unit } from "./plan.js";
import type { Logger } from "./progress.js";
import type { ShardPart } from "./shard.js";
import type { StageEnv } from "./stages/common.js";
import { runUnit } from "./units.js";

/** The version of `xqg plan --json`'s schema; a change of its shape changes this. */
export const PLAN_SCHEMA = "xqg-plan/1";

/** One unit as `xqg plan` shows it: what it is, what it needs, and where it stands. */
export interface UnitReport {
  readonly key: string;
  readonly stage: string;
  readonly deps: readonly string[];
  readonly manifest: string;
  readonly state: UnitState["state"];
  /** Why a unit is stale or pending; absent for a done one. */
  readonly reason?: string;
  /**
   * Of a stale unit that would build on its previous run (an incremental corpus update): how many passages it
   * would reuse, add, change and remove. Units after a stale one show none (their input is not made yet).
   */
  readonly reuse?: ReuseCounts;
  /** What it runs: the stage function's kind and its arguments (paths, settings, shard). */
  readonly work: Unit["work"];
}

export interface PlanReport {
  readonly schema: typeof PLAN_SCHEMA;
  readonly config: string;
  /** SHA-256 of the plan's units: two configs with the same digest do the same work. */
  readonly digest: string;
  readonly ends: Plan["ends"];
  readonly units: readonly UnitReport[];
}

/**
 * The plan of a config with the state of every unit, computed without running anything or taking a lease (a dry
 * run): a unit whose dependencies are all done is checked against its manifest (inputs, settings, package
 * versions, outputs); one after a unit that still has to run is pending until then.
 */
export async function inspectPlan(
  config: RunConfig,
  options: { readonly log: Logger; readonly shard?: ShardPart },
): Promise<PlanReport> {
  const plan = planUnits(config, options.shard);
  const states = await unitStates(config, plan.units, options.log);
  return {
    schema: PLAN_SCHEMA,
    config: config.file,
    digest: plan.digest,
    ends: plan.ends,
    units: plan.units.map((unit) => {
      const state = states.get(unit.key)!;
      return {
        key: unit.key,
        stage: unit.stage,
        deps: unit.deps,
        manifest: unit.manifest,
        state: state.state,
        ...(state.state === "done" ? {} : { reason: state.reason }),
        ...(state.state === "stale" && state.reuse ? { reuse: state.reuse } : {}),
        work: unit.work,
      };
    }),
  };
}

async function unitStates(
  config: RunConfig,
  units: readonly Unit[],
  log: Logger,
): Promise<Map<string, UnitState>> {
  const paths = layout(config.output);
  // the hash cache only where the output folder exists: looking never creates it
  const hasher = await Hasher.open(existsSync(config.output) ? paths.hashCache : undefined, {
    readOnly: true,
  });
  const states = new Map<string, UnitState>();
  for (const unit of units) {
    const waiting = unit.deps.find((dep) => states.get(dep)?.state !== "done");
    if (waiting !== undefined) {
      states.set(
        unit.key,
        existsSync(unit.manifest)
          ? { state: "stale", reason: `after ${waiting}, which is not done` }
          : { state: "pending", reason: `not run yet (after ${waiting})` },
      );
      continue;
    }
    states.set(
      unit.key,
      await stateOf(unit, { hasher, log, threads: config.threads, device: config.device }),
    );
  }
  return states;
}

async function stateOf(unit: Unit, base: Omit<StageEnv, "force" | "inspect">): Promise<UnitState> {
  let state: UnitState | undefined;
  await runUnit(unit, { ...base, force: false, inspect: (s) => (state = s) });
  if (!state) throw new Error(`bug: unit ${unit.key} reported no state`);
  return state;
}

/**
 * Runs exactly one unit of a config's plan, after checking that every unit it depends on is done; refuses,
 * naming them, when some are not.
 */
export async function runPlannedUnit(
  config: RunConfig,
  key: string,
  env: StageEnv,
): Promise<"ran" | "skipped"> {
  const plan = planUnits(config);
  const unit = plan.units.find((u) => u.key === key);
  if (!unit) {
    const keys = plan.units.map((u) => u.key);
    throw new UserError(`${config.file}: no unit ${key} in the plan (its units: ${keys.join(", ")})`);
  }
  const states = await unitStates(
    config,
    plan.units.filter((u) => u.key === key || closure(plan.units, key).has(u.key)),
    env.log,
  );
  const notDone = unit.deps.filter((dep) => states.get(dep)?.state !== "done");
  if (notDone.length > 0) {
    const why = notDone.map((dep) => `${dep} (${describeState(states.get(dep)!)})`).join(", ");
    throw new UserError(`unit ${key}: its dependencies are not done: ${why}; run them first`);
  }
  return runUnit(unit, env);
}

/** Every unit `key` depends on, directly or not. */
function closure(units: readonly Unit[], key: string): Set<string> {
  const byKey = new Map(units.map((u) => [u.key, u]));
  const seen = new Set<string>();
  const stack = [...(byKey.get(key)?.deps ?? [])];
  while (stack.length > 0) {
    const dep = stack.pop()!;
    if (seen.has(dep)) continue;
    seen.add(dep);
    stack.push(...(byKey.get(dep)?.deps ?? []));
  }
  return seen;
}

export function describeState(state: UnitState): string {
  return state.state === "done" ? "done" : `${state.state}: ${state.reason}`;
}
