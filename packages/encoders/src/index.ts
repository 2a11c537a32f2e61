export { planBatches } from "./batching.js";
export { ENCODER_DEFAULTS, type Role } from "./defaults.js";
export {
  createEncoder,
  type EmbeddingBlock,
  type EncodeOptions,
  type Encoder,
  type EncoderOptions,
  type PassageLike,
  passageText,
  type StreamOptions,
  type StreamProgress,
  type StreamRecord,
} from "./encoder.js";
export { l2NormalizeRows, POOLERS, type Pooling } from "./pooling.js";
export type { LoadOptions } from "./side.js";
