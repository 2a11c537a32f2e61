import type { Pooling } from "./pooling.js";

/** Which side of a dual encoder a text is on; picks the max length (and the model, when untied). */
export type Role = "query" | "passage";

/**
 * The paper's xDR settings (Tevatron mBERT DPR): CLS pooling, no normalisation, queries truncated to 32 tokens,
 * passages to 128, passage text = title + " " + text; and the poolings `pooling` may name.
 */
export const ENCODER_DEFAULTS = {
  pooling: "cls" as Pooling,
  normalize: false,
  maxLength: { query: 32, passage: 128 } as Readonly<Record<Role, number>>,
  /** texts per ONNX Runtime call, after sorting by length */
  batchSize: 32,
  titleSeparator: " ",
  /** The poolings, by name. */
  poolings: {
    cls: "the first token's state (DPR, Tevatron)",
    mean: "the mean of the unmasked tokens' states",
  } as const satisfies Record<Pooling, string>,
} as const;
