import { XqgError } from "@xqg/core";

/**
 * Machine-readable reason of a {@link FusionError}: `invalid-option` (an option out of range or of the wrong
 * kind), `unknown-language`, `shape-mismatch` (rows or dimensions that do not line up), `bad-manifest` (the Σq
 * description beside a Σq matrix), `missing-ids` / `id-order` (P's and Σq's ids sidecars), `non-finite` (a NaN
 * or ±Infinity in an input or an output).
 */
export type FusionErrorCode =
  | "invalid-option"
  | "unknown-language"
  | "shape-mismatch"
  | "bad-manifest"
  | "missing-ids"
  | "id-order"
  | "non-finite";

export interface FusionErrorInit {
  code: FusionErrorCode;
  /** The file the problem is in. */
  file?: string | undefined;
  /** 1-based line in `file`. */
  line?: number | undefined;
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

  constructor(reason: string, init: FusionErrorInit) {
    // the reasons name their file in their own words
    super(reason, { ...init, prefix: false });
    this.name = "FusionError";
  }
}
