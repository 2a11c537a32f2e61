// The experiment as a library: config → plan of data units → units run by an executor. `settings` (the
// config's fields) and `stages` (each stage for one-off use) are the building blocks of front ends like the CLI.
export { type CleanedFile, type CleanReport, cleanOutput } from "./clean.js";
export { configInputs, loadConfig, parseConfig, type RunConfig } from "./config.js";
export type { Device } from "./device.js";
export { openStageEnv, releaseRunSync, type StageEnvOptions } from "./env.js";
export { explainEmptyInput, explainSystemError, isUserFacing, UsageError, UserError } from "./errors.js";
export { type Estimate, RunEstimate } from "./eta.js";
export { type Execution, type Executor, localExecutor } from "./executor.js";
export { inspectPlan, PLAN_SCHEMA, type PlanReport, runPlannedUnit, type UnitReport } from "./inspect.js";
export { layout } from "./layout.js";
export { codeVersions, type ReuseCounts, type StageContext, type UnitState } from "./manifest.js";
export { prepareRun, type RunOptions, runExperiment } from "./pipeline.js";
export { type Plan, planExperiment, type System, type Unit } from "./plan.js";
export { createLogger, formatDuration, type Logger, type LoggerOptions, type Progress } from "./progress.js";
export { Scheduler, type SchedulerUnit, type UnitStatus } from "./scheduler.js";
export * as settings from "./settings/index.js";
export type { ShardPart } from "./shard.js";
export type { StageEnv } from "./stages/common.js";
export * as stages from "./stages/index.js";
export { runUnit, unitDigest, type Work, type WorkKind } from "./units.js";
