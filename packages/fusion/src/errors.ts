import { XqgError } from "@xqg/core";

/** Machine-readable reason of a {@link FusionError}. */
export type FusionErrorCode =
  | "bad-option"
  | "unknown-language"
  | "shape-mismatch"
  | "bad-manifest"
  | "missing-ids"
  | "id-order"
  | "non-finite"
  | "closed";

export interface FusionErrorDetails {
  /** The file the problem is in. */
  file?: string | undefined;
  /** The option or field at fault. */
  field?: string | undefined;
  cause?: unknown;
}

/**
 * A problem with fusion's inputs or options (mismatched matrices, a bad Σq manifest, ids out of order, an
 * option out of range); the message says what was expected. An `XqgError` of @xqg/core: a CLI prints the
 * message alone.
 */
export class FusionError extends XqgError {
  declare readonly code: FusionErrorCode;

  constructor(message: string, code: FusionErrorCode, details: FusionErrorDetails = {}) {
    super(message, { ...details, code, prefix: false });
    this.name = "FusionError";
  }
}
