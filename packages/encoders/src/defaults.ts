import type { Pooling } from "./pooling.js";

/** Which side of a dual encoder a text is on; picks the max length (and the model, when untied). */
export type Role = "query" | "passage";

/**
 * The paper's xDR settings (Tevatron mBERT DPR): CLS pooling, no normalisation, queries truncated to 32 tokens,
 * passages to 128, passage text = title + " " + text.
 */
export const ENCODER_DEFAULTS = {
  pooling: "cls" as Pooling,
  normalize: false,
  maxLength: { query: 32, passage: 128 } as Readonly<Record<Role, number>>,
  /** texts per ONNX Runtime call, after sorting by length */
  batchSize: 32,
  /** records per block yielded by encodeStream */
  blockSize: 1024,
  titleSeparator: " ",
} as const;
