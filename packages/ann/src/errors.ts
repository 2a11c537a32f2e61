import { XqgError } from "@xqg/core";

/** Machine-readable reason of an {@link AnnError}. */
export type AnnErrorCode =
  | "invalid-option"
  | "dimension-mismatch"
  | "count-mismatch"
  | "bad-id"
  | "duplicate-id"
  | "non-finite"
  | "missing-file"
  | "bad-manifest"
  | "bad-index"
  | "bad-ranked-rows";

/** Where an {@link AnnError} happened: its code, and the file and option or field at fault when known. */
export interface AnnErrorInit {
  code: AnnErrorCode;
  /** The index file or sidecar the problem is in. */
  file?: string | undefined;
  /** The option, argument or manifest field at fault. */
  field?: string | undefined;
  cause?: unknown;
}

/**
 * A problem with an index's options, its input vectors or ids, or its files on disk; the message says what
 * was expected. An `XqgError` of @xqg/core: a CLI prints the message alone.
 */
export class AnnError extends XqgError {
  declare readonly code: AnnErrorCode;

  constructor(reason: string, init: AnnErrorInit) {
    super(reason, { ...init, prefix: false });
    this.name = "AnnError";
  }
}
