export { concatQuerySums } from "./concat-sums.js";
export { FUSION_DEFAULTS, type Reduce } from "./defaults.js";
export { FusionError, type FusionErrorCode, type FusionErrorInit } from "./errors.js";
export { type QuerySumFiles, querySumFiles } from "./files.js";
export {
  type AlphaOption,
  type Counts,
  type FuseArraysOptions,
  type FuseCommonOptions,
  type FusedFile,
  type FuseFilesOptions,
  fuse,
} from "./fuse.js";
export type { LanguageSelection } from "./languages.js";
export { type SumQueriesOptions, sumQueries } from "./sum-queries.js";
export {
  type UpdateCounts,
  type UpdateRowsOptions,
  updateQuerySums,
  updateRows,
} from "./update-rows.js";
