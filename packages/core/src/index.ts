export {
  type AtomicOptions,
  commitTemp,
  discardTemp,
  type SinkOptions,
  tempPathFor,
  WRITE_CHUNK_CHARS,
  writeFileAtomic,
  writeTextAtomic,
} from "./atomic.js";
export { isXqgError, XqgError, type XqgErrorFactory, type XqgErrorInit, xqgError } from "./errors.js";
export { IdTable } from "./id-table.js";
export { idsPath, readIds, streamIds, writeIds } from "./ids.js";
export {
  JsonArrayScanner,
  type JsonArrayUnits,
  parseXorEntry,
  readXorSubmissionSync,
  type XorParseOptions,
  type XorSubmissionEntry,
} from "./xor.js";
