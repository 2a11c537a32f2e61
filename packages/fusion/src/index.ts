export { createQuerySumAccumulator, type QuerySumAccumulator, type QuerySumBlock } from "./accumulator.js";
export { AUGMENT_DEFAULTS, type AugmentOptions, augment, type Counts } from "./augment.js";
export { concatQuerySums } from "./concat-sums.js";
export { FusionError, type FusionErrorCode, type FusionErrorDetails } from "./errors.js";
export { type QuerySumFiles, type QuerySumManifest, querySumFiles } from "./files.js";
export { combineLanguages, type LanguageSelection } from "./languages.js";
export { REDUCTIONS, type Reduce } from "./reduce.js";
export {
  type AugmentFilesOptions,
  type AugmentStreamOptions,
  augmentFiles,
  type SweepOptions,
  sweepAlpha,
} from "./stream.js";
export { type SumQueriesOptions, sumQueryEmbeddings } from "./sum-queries.js";
