export { type MainIo, main } from "./cli/main.js";
export { loadConfig, parseConfig, type RunConfig } from "./config.js";
export { UserError } from "./errors.js";
export { layout, systemName } from "./layout.js";
export { type RunOptions, runPipeline } from "./pipeline.js";
export { createLogger, type Logger, type LoggerOptions } from "./progress.js";
export { STAGE_FIELDS, type StageName, type StageSettings } from "./settings/stages.js";
export { parseShard, type ShardPart } from "./shard.js";
