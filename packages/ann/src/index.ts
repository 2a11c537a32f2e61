export { DTYPES, type Dtype } from "./dtype.js";
export { AnnError, type AnnErrorCode, type AnnErrorDetails } from "./errors.js";
export { type ExactSearchOptions, exactSearch, FlatIndex } from "./exact.js";
export { exactSearchBlocks, type RowIds } from "./exact-blocks.js";
export {
  type ExactSearchBlocksOptions,
  exactSearchRows,
  mergeRankedRows,
  type RankedRows,
  type RowBlock,
} from "./exact-rows.js";
export {
  INDEX_DEFAULTS,
  Index,
  type IndexOptions,
  type OpenOptions,
  ReadonlyIndex,
  type ThreadOptions,
} from "./hnsw-index.js";
export { METRICS, type Metric } from "./metric.js";
export type { SearchResult } from "./result.js";
export { INDEX_TYPES, type IndexType, SEARCH_DEFAULTS } from "./search-defaults.js";
