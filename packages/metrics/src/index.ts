export { type ByLanguageOptions, evaluateByLanguage, type LanguageEvaluation } from "./by-language.js";
export { type CompareOptions, compare } from "./compare.js";
export {
  type CompareScoresOptions,
  compareScores,
  type SignificanceOptions,
  type SystemScores,
} from "./compare-scores.js";
export {
  createEvaluator,
  type Evaluator,
  type EvaluatorOptions,
  type Judgments,
  type Qrels,
  type QueryScore,
  qrelsFromRows,
  type Run,
  type RunInput,
  type RunObject,
  runFromObject,
  runFromRows,
} from "./evaluator.js";
export { InputError } from "./input-error.js";
export {
  MEASURES,
  type Measure,
  MeasureError,
  type MeasureName,
  measure,
  parseMeasure,
} from "./measures/measure.js";
export {
  type MarkdownOptions,
  Report,
  type ReportCell,
  type ReportData,
  type ReportRow,
  significanceMark,
} from "./report.js";
export { meanConfidenceInterval, studentTQuantile } from "./stats/confidence.js";
export {
  CORRECTIONS,
  type Correction,
  SIGNIFICANCE_DEFAULTS,
  SIGNIFICANCE_TESTS,
  type SignificanceTest,
} from "./stats/significance.js";
export {
  holm,
  type PermutationOptions,
  pairedTTest,
  permutationTest,
  type TestResult,
} from "./stats/tests.js";
export {
  loadPunktParameters,
  PunktDataError,
  type PunktLoadOptions,
  type PunktParameters,
} from "./tokenize/punkt-params.js";
export {
  RKT_TOKENIZERS,
  type RktTokenizer,
  rktTokenizer,
  XOR_EVALUATION_DEFAULTS,
} from "./tokenize/rkt-tokenizers.js";
export { createWordTokenizer, type WordTokenizer, wordTokenize } from "./tokenize/word-tokenize.js";
export { formatTrecEval, type TrecEvalOutputOptions, trecEvalName, trecEvalOutput } from "./trec-eval.js";
export {
  evaluateXor,
  type XorAnswers,
  type XorEvaluation,
  type XorOptions,
  type XorQueryResult,
} from "./xor/evaluate.js";
export {
  evaluateXorSubmission,
  readXorAnswers,
  readXorPredictions,
  type XorPrediction,
} from "./xor/submission.js";
export { TokenCache, type TokenCacheOptions, type TokenizedPassage } from "./xor/token-cache.js";
