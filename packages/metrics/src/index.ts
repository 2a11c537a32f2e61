export { type CompareOptions, compare } from "./compare.js";
export {
  type Comparison,
  type ComparisonCell,
  type ComparisonData,
  type ComparisonRow,
  type MarkdownOptions,
  significanceMark,
} from "./comparison.js";
export { MetricsError, type MetricsErrorCode, type MetricsErrorInit } from "./errors.js";
export {
  createEvaluator,
  type Evaluation,
  type Evaluator,
  type JudgedQuery,
  type Judgments,
  type Qrels,
  type QrelsRow,
  type QueryCounts,
} from "./evaluator.js";
export { MEASURES, type Measure, type MeasureName, parseMeasure } from "./measures/measure.js";
export {
  CORRECTIONS,
  type Correction,
  SIGNIFICANCE_DEFAULTS,
  SIGNIFICANCE_TESTS,
  type SignificanceTest,
} from "./stats/significance.js";
export type { TestResult } from "./stats/tests.js";
export { RKT_TOKENIZERS, type RktTokenizer, XOR_EVALUATION_DEFAULTS } from "./tokenize/rkt-tokenizers.js";
export { formatTrecEval, type TrecEvalOptions } from "./trec-eval.js";
