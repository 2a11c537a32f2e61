import { DTYPES } from "./dtype.js";
import { INDEX_DEFAULTS, INDEX_TYPES, MAX_CONNECTIVITY, SEARCH_DEFAULTS } from "./hnsw-index.js";
import { METRICS } from "./metric.js";

export type { Dtype } from "./dtype.js";
export { AnnError, type AnnErrorCode, type AnnErrorInit } from "./errors.js";
export { mergeRankedRows, type RankedRows, type RowBlock } from "./exact-rows.js";
export {
  type AddOptions,
  Index,
  type IndexOptions,
  type IndexType,
  type OpenOptions,
  type ReadonlyIndex,
  type SearchBatchOptions,
} from "./hnsw-index.js";
export type { Metric } from "./metric.js";
export { loadRankedRows, saveRankedRows } from "./ranked-rows-file.js";
export {
  type ExactRowsOptions,
  type ExactSearchOptions,
  exactSearch,
  type Passages,
  type RowRange,
} from "./search.js";

/**
 * The choices and defaults of this package, by name, for tools that list them (a CLI's `--help`, a config
 * schema): `dtypes` (HNSW storage types), `metrics`, `indexTypes` (exact or HNSW), and the defaults of
 * `Index.create` (`index`) and of a search (`search`: index type, depth, queries per batch).
 */
export const ANN_OPTIONS = {
  dtypes: DTYPES,
  metrics: METRICS,
  indexTypes: INDEX_TYPES,
  defaults: { index: INDEX_DEFAULTS, search: SEARCH_DEFAULTS },
  /** The largest `connectivity` an index takes. */
  maxConnectivity: MAX_CONNECTIVITY,
} as const;
