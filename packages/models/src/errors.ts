import { XqgError, type XqgErrorInit } from "@xqg/core";

/** Machine-readable reason for a {@link ModelError}; the README lists what each means. */
export type ModelErrorCode =
  | "missing-file"
  | "bad-json"
  | "invalid-option"
  | "unsupported-tokenizer"
  | "io-mismatch"
  | "model-mismatch"
  | "provider-unavailable"
  | "session-failed"
  | "no-onnx"
  | "hub-error"
  | "non-finite";

/** Where a {@link ModelError} happened and why. */
export interface ModelErrorInit extends Omit<XqgErrorInit, "code"> {
  code: ModelErrorCode;
}

/**
 * A user-facing problem with a model directory, a tokenizer or a session; the message says what was expected.
 * An `XqgError` of @xqg/core. The reason names the file in its own words, so `file` is not put before it
 * (`prefix` defaults to false here).
 */
export class ModelError extends XqgError {
  declare readonly code: ModelErrorCode;

  constructor(reason: string, init: ModelErrorInit) {
    super(reason, { prefix: false, ...init });
    this.name = "ModelError";
  }
}
