import { XqgError } from "@xqg/core";

/** Machine-readable reason for a {@link ModelError}. */
export type ModelErrorCode =
  | "missing-file"
  | "bad-json"
  | "bad-option"
  | "unsupported-tokenizer"
  | "io-mismatch"
  | "provider-unavailable"
  | "session-failed"
  | "no-onnx"
  | "hub-error"
  | "non-finite";

/**
 * A user-facing problem with a model directory, a tokenizer or a session; the message says what was expected.
 * An `XqgError` of @xqg/core (the message is given whole: it names the file in its own words).
 */
export class ModelError extends XqgError {
  declare readonly code: ModelErrorCode;

  constructor(message: string, code: ModelErrorCode, file?: string) {
    super(message, { code, file, prefix: false });
    this.name = "ModelError";
  }
}
