// Compatibility: the ids sidecar and atomic writes live in @xqg/core; the runner and this README use them from here.
export {
  type AtomicOptions,
  idsPath,
  readIds,
  type SinkOptions,
  writeFileAtomic,
  writeIds,
  writeTextAtomic,
} from "@xqg/core";
export { CorpusError, type CorpusErrorCode, type CorpusWarning } from "./errors.js";
export {
  GENERATED_FORMATS,
  type GeneratedFormat,
  type GeneratedReadOptions,
  type GeneratedWriteOptions,
  readGeneratedQueries,
  writeGeneratedQueries,
} from "./formats/generated.js";
export {
  PASSAGE_FORMATS,
  type PassageFormat,
  type PassageReadOptions,
  type PassageWriteOptions,
  readPassages,
  writePassages,
} from "./formats/passages.js";
export { readQrels, writeQrels } from "./formats/qrels.js";
export {
  QUERY_FORMATS,
  type QueryFormat,
  type QueryReadOptions,
  type QueryWriteOptions,
  readQueries,
  writeQueries,
} from "./formats/queries.js";
export {
  RUN_FORMATS,
  type RunFormat,
  type RunReadOptions,
  type RunWriteOptions,
  readRun,
  writeRun,
} from "./formats/runs.js";
export { TSV_DEFAULTS } from "./formats/tsv.js";
export {
  isLang,
  isLanguageCode,
  LANGUAGE_CODES,
  LANGUAGES,
  type Lang,
  type LanguageNames,
} from "./languages.js";
export { type ConcatNpyOptions, concatNpy } from "./npy/concat.js";
export { NPY_DEFAULTS, NPY_DTYPES, type NpyDtype } from "./npy/header.js";
export { type NpyReader, type OpenNpyOptions, openNpy, readNpy } from "./npy/reader.js";
export { createNpyWriter, type NpyWriter, type NpyWriterOptions, writeNpy } from "./npy/writer.js";
export {
  createDuplicateDetector,
  DUPLICATE_POLICIES,
  type Duplicate,
  type DuplicateDetector,
  type DuplicateOptions,
  type DuplicatePolicy,
  findDuplicates,
} from "./read/duplicates.js";
export type { ReadOptions, ReadStats, RecordReader } from "./read/reader.js";
export { type ShardSpec, shard, shardRange } from "./shard.js";
export type { GeneratedQueries, Passage, QrelsRow, Query } from "./types.js";
export type { WriteOptions } from "./write.js";
