export type { FinishedPolicy, GeneratedSequence, Strategy } from "./decode.js";
export {
  type Completion,
  createGenerator,
  GENERATOR_DEFAULTS,
  type GenerationPassage,
  type Generator,
  type GeneratorOptions,
} from "./generator.js";
export type { DecoderForm } from "./onnx-seq2seq.js";
export { FINISHED_POLICIES, GENERATION_DEFAULTS, type GenerateOptions, STRATEGIES } from "./options.js";
export { formatPrompt, PROMPT_FIELDS, PROMPT_TEMPLATE, type PromptField } from "./prompt.js";
