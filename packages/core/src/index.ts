export {
  type AtomicOptions,
  commitTemp,
  discardTemp,
  type SinkOptions,
  tempPathFor,
  writeFileAtomic,
  writeTextAtomic,
} from "./atomic.js";
export { isXqgError, XqgError, type XqgErrorFactory, type XqgErrorInit } from "./errors.js";
export { IdTable } from "./id-table.js";
export { idsPath, readIds, streamIds, writeIds } from "./ids.js";
export { checkOptions, checkRecord, type FieldKind, nearestName } from "./options.js";
export type { BytesProgress, LongCallOptions, ProgressEvent, RowsProgress } from "./progress.js";
export { type Run, rankedDocids, scoreOfRank } from "./run.js";
export {
  JsonArrayScanner,
  type JsonArrayUnits,
  parseXorEntry,
  readXorSubmissionSync,
  type XorParseOptions,
  type XorSubmissionEntry,
} from "./xor.js";
