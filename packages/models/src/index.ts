export { Tensor } from "onnxruntime-node";
export {
  type ClampOptions,
  clampMaxLength,
  type GenerationConfig,
  hiddenSizeOf,
  loadModelConfig,
  type ModelConfig,
  maxInputLength,
} from "./config.js";
export { describeModel, type ModelDescription } from "./describe.js";
export { ModelError, type ModelErrorCode } from "./errors.js";
export { type ModelFiles, type ModelTask, type ResolveOptions, resolveModel } from "./resolve.js";
export {
  checkSessionNames,
  createSession,
  EXECUTION_PROVIDERS,
  type ExecutionProvider,
  type ExpectedNames,
  GRAPH_OPTIMIZATION_LEVELS,
  type GraphOptimizationLevel,
  type InferenceSession,
  isCudaAvailable,
  SESSION_DEFAULTS,
  type SessionOptions,
} from "./session.js";
export {
  type DecodeOptions,
  type Encoding,
  type LoadTokenizerOptions,
  loadTokenizer,
  type Tokenizer,
  type TokenizerEncodeOptions,
} from "./tokenizer.js";
export { TOKENIZER_BACKENDS, type TokenizerBackendName } from "./tokenizer-backend.js";
