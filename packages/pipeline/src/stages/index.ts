// One function per stage for one-off use outside a plan (the `xqg generate`, `encode`, … commands): each runs
// through the unit protocol (lease, staging, atomic rename, manifest last) with the manifest path it is given.
export { encodeGeneratedStage, encodePassagesStage, encodeQueriesStage } from "./encode.js";
export {
  countsLine,
  evaluate,
  evaluationTable,
  evaluationTrecEval,
  readEvaluation,
  readRunFile,
} from "./evaluate.js";
export { fuseStage } from "./fuse.js";
export { generateStage } from "./generate.js";
export { indexStage } from "./index-stage.js";
export { reportStage } from "./report.js";
export { searchStage } from "./search.js";
