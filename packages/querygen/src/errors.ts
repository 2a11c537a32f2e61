import { XqgError } from "@xqg/core";

/** Machine-readable reason for a {@link GenerationError}; the README lists what each means. */
export type GenerationErrorCode = "invalid-option" | "invalid-record" | "unknown-language" | "no-eos";

/** Where a {@link GenerationError} happened and why. */
export interface GenerationErrorInit {
  code: GenerationErrorCode;
  /** The option or record field at fault. */
  field?: string | undefined;
  file?: string | undefined;
  cause?: unknown;
}

/**
 * A mistake in what a caller asked of the generator: an option out of range, a passage record without its
 * fields, a language without an English name, a model that names no end-of-sequence token. An `XqgError` of
 * @xqg/core; problems with the model files themselves are @xqg/models' `ModelError`s.
 */
export class GenerationError extends XqgError {
  declare readonly code: GenerationErrorCode;

  constructor(reason: string, init: GenerationErrorInit) {
    super(reason, { ...init, prefix: false });
    this.name = "GenerationError";
  }
}

/** A GenerationError with code `invalid-option` for `field`. */
export function invalidOption(field: string, reason: string): GenerationError {
  return new GenerationError(reason, { code: "invalid-option", field });
}
