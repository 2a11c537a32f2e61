export {
  type ClampOptions,
  clampMaxLength,
  type GenerationConfig,
  loadModelConfig,
  type ModelConfig,
  maxInputLength,
} from "./config.js";
export { describeModel, type ModelDescription } from "./describe.js";
export { ModelError, type ModelErrorCode } from "./errors.js";
export { type EnsureModelOptions, EXPORT_TASKS, ensureModel, HUB_METADATA_FILES } from "./hub.js";
export {
  HUB_DEFAULTS,
  type HubOptions,
  type HubSettings,
  hubCacheDir,
  hubSettings,
  isModelId,
} from "./hub-cache.js";
export {
  Tensor,
  type TensorConstructor,
  type TensorData,
  type TensorDataMap,
  type TensorType,
  type ValueMetadata,
} from "./onnx.js";
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
