export { BeamSearch, type BeamSettings, type Hypothesis } from "./beam.js";
export {
  type DecodeSettings,
  decodeBatch,
  type FinishedPolicy,
  type GeneratedSequence,
  type PromptRequest,
  type Strategy,
} from "./decode.js";
export {
  type Completion,
  createGenerator,
  GENERATOR_DEFAULTS,
  type GenerationPassage,
  type Generator,
  type GeneratorOptions,
} from "./generator.js";
export {
  type DecoderForm,
  type EncoderState,
  type KvCache,
  OnnxSeq2Seq,
  type Seq2SeqGraphs,
  type Seq2SeqOptions,
  type Seq2SeqSessions,
  type Seq2SeqStats,
} from "./onnx-seq2seq.js";
export {
  decodeSettings,
  FINISHED_POLICIES,
  GENERATION_DEFAULTS,
  type GenerateOptions,
  resolveOptions,
  STRATEGIES,
} from "./options.js";
export {
  formatPrompt,
  PROMPT_FIELDS,
  PROMPT_TEMPLATE,
  type PromptField,
  validatePromptTemplate,
} from "./prompt.js";
export { type PrefixState, withoutCache } from "./recompute.js";
export { createRng, type Rng, xoshiro128ss } from "./rng.js";
export {
  type Candidates,
  type SamplingParams,
  sampleCandidate,
  validateSamplingParams,
  warpLogits,
} from "./sampling.js";
export { isIdentity, type StepModel, type StepOutput } from "./step-model.js";
export { argmax, topKIndices } from "./top-k.js";
