export {
  type ClampOptions,
  clampMaxLength,
  type GenerationConfig,
  loadModelConfig,
  type ModelConfig,
} from "./config.js";
export { describeModel, type ModelDescription } from "./describe.js";
export { type AgreementSources, checkEmbeddingTable } from "./embedding.js";
export { ModelError, type ModelErrorCode, type ModelErrorInit } from "./errors.js";
export { feedable, floatData } from "./half.js";
export { type EnsureModelOptions, ensureModel } from "./hub.js";
export { type HubOptions, isModelId } from "./hub-cache.js";
export {
  Tensor,
  type TensorConstructor,
  type TensorData,
  type TensorDataMap,
  type TensorType,
  type ValueMetadata,
} from "./onnx.js";
export type { ModelFiles, ModelTask, ResolveOptions } from "./resolve.js";
export {
  createSession,
  type ExecutionProvider,
  type ExpectedNames,
  type GraphOptimizationLevel,
  type InferenceSession,
  isCudaAvailable,
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
export type { TokenizerBackendName } from "./tokenizer-backend.js";
