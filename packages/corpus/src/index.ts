export {
  CorpusError,
  type CorpusErrorCode,
  type CorpusErrorFix,
  type CorpusErrorInit,
  type CorpusWarning,
} from "./errors.js";
export {
  type GeneratedFormat,
  type GeneratedReadOptions,
  type GeneratedWriteOptions,
  readGeneratedQueries,
  writeGeneratedQueries,
} from "./formats/generated.js";
export {
  type PassageFormat,
  type PassageReadOptions,
  type PassageWriteOptions,
  readPassages,
  writePassages,
} from "./formats/passages.js";
export { readQrels, writeQrels } from "./formats/qrels.js";
export {
  type QueryFormat,
  type QueryReadOptions,
  type QueryWriteOptions,
  readQueries,
  writeQueries,
} from "./formats/queries.js";
export {
  type RunFormat,
  type RunReadOptions,
  type RunWriteOptions,
  readRun,
  writeRun,
} from "./formats/runs.js";
export { type PassageDelta, readPassagesWithDeltas } from "./incremental/deltas.js";
export { type DiffOptions, diffPassages, type PassageDiff } from "./incremental/diff.js";
export { PassageFingerprint, type PassageSource } from "./incremental/fingerprint.js";
export { isLanguageCode, LANGUAGES, type Lang, type LanguageNames } from "./languages.js";
export { type ConcatNpyOptions, concatNpy } from "./npy/concat.js";
export type { NpyDtype } from "./npy/header.js";
export {
  type NpyBlocksOptions,
  type NpyReader,
  type OpenNpyOptions,
  openNpy,
  readNpy,
} from "./npy/reader.js";
export { createNpyWriter, type NpyWriter, type NpyWriterOptions, writeNpy } from "./npy/writer.js";
export type { DuplicateOptions, DuplicatePolicy } from "./read/duplicates.js";
export { indexRecords, type RecordIndex, type RecordRange } from "./read/offsets.js";
export type { RangeOptions, ReadOptions, ReadStats, RecordReader } from "./read/reader.js";
export { FORMATS } from "./registry.js";
export { type Shard, type ShardSpec, shard } from "./shard.js";
export type { GeneratedQueries, Passage, QrelsRow, Query } from "./types.js";
export type { WriteOptions } from "./write.js";
