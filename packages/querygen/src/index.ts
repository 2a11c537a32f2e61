export type { FinishedPolicy, GeneratedSequence, Strategy } from "./decode.js";
export { GenerationError, type GenerationErrorCode, type GenerationErrorInit } from "./errors.js";
export {
  type Completion,
  createGenerator,
  type GenerationPassage,
  type Generator,
  type GeneratorOptions,
} from "./generator.js";
export type { DecoderForm, Selection } from "./onnx-seq2seq.js";
export { GENERATION_DEFAULTS, type GenerateOptions } from "./options.js";
export { formatPrompt, type PromptField } from "./prompt.js";
