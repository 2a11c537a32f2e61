/** Machine-readable reason for a {@link ModelError}. */
export type ModelErrorCode =
  | "missing-file"
  | "bad-json"
  | "bad-option"
  | "unsupported-tokenizer"
  | "io-mismatch"
  | "provider-unavailable"
  | "session-failed";

/** A user-facing problem with a model directory, a tokenizer or a session; the message says what was expected. */
export class ModelError extends Error {
  readonly code: ModelErrorCode;
  readonly file: string | undefined;

  constructor(message: string, code: ModelErrorCode, file?: string) {
    super(message);
    this.name = "ModelError";
    this.code = code;
    this.file = file;
  }
}
