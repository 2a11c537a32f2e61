import { configInputs, type RunConfig } from "./config.js";
import { localExecutor } from "./executor.js";
import { Hasher } from "./hash.js";
import { layout } from "./layout.js";
import { checkPlan, planUnits } from "./plan.js";
import type { Logger } from "./progress.js";
import { claimOutputDir, refuseOverwritingInputs, removeAbandonedStaging } from "./safety.js";
import type { ShardPart } from "./shard.js";
import type { StageEnv } from "./stages/common.js";

export type { System } from "./plan.js";

export interface RunOptions {
  readonly log: Logger;
  readonly force: boolean;
  /** Overrides the config's `shards: "i/N"`: run only this shard of generate and encode, then stop. */
  readonly shard?: ShardPart;
}

/**
 * The whole experiment. Every stage is skipped when its manifest matches, so a re-run (after a crash, a kill
 * or a config change) redoes only what changed. With `shards` the corpus is processed in contiguous parts
 * whose outputs are merged in corpus order; a worker given one shard stops after that shard's encode.
 * The units of work are those of `planUnits`, run one after the other in the plan's order.
 */
export async function runExperiment(config: RunConfig, options: RunOptions): Promise<"done" | "shard-done"> {
  const env = await prepareRun(config, options);
  const plan = planUnits(config, options.shard);
  await localExecutor().execute(plan, env);
  return plan.ends;
}

/**
 * What a run (local, or a queue's coordinator) does before any unit: checks the config, claims the output
 * folder, removes staging that no live run holds, and opens the hash cache.
 */
export async function prepareRun(
  config: RunConfig,
  options: { readonly log: Logger; readonly force: boolean },
): Promise<StageEnv> {
  const paths = layout(config.output);
  const env: StageEnv = {
    hasher: await Hasher.open(paths.hashCache),
    log: options.log,
    force: options.force,
    threads: config.threads,
    device: config.device,
  };
  checkPlan(config);
  // before any unit: an output folder inside a model folder (or over an input) is refused now, not after
  // generation has written into the model
  await refuseOverwritingInputs(`${config.file}: output`, configInputs(config), [config.output]);
  await claimOutputDir(config.output, `${config.file}: output`);
  await removeAbandonedStaging(config.output, paths.manifest);
  return env;
}
