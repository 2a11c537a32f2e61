export { ENCODER_DEFAULTS, type Role } from "./defaults.js";
export {
  createEncoder,
  type EmbeddingBlock,
  type EncodeOptions,
  type Encoder,
  type EncoderOptions,
  type PassageLike,
  type StreamOptions,
  type StreamRecord,
} from "./encoder.js";
export type { Pooling } from "./pooling.js";
export type { LoadOptions } from "./side.js";
