import { isXqgError, XqgError } from "@xqg/core";

/**
 * A mistake the user can fix (bad config, missing file, wrong flag). The CLI prints its message alone, never a
 * stack trace. An `XqgError` of @xqg/core (`code` "user").
 */
export class UserError extends XqgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: "user" }, options);
    this.name = "UserError";
  }
}

/**
 * Errors the user can fix: every package's errors extend @xqg/core's XqgError (CorpusError, ModelError,
 * AnnError, FusionError, InputError, … and UserError), so the CLI shows their message alone. Anything else is
 * a bug and keeps its stack trace behind XQG_DEBUG.
 */
export function isUserFacing(error: unknown): error is Error {
  return isXqgError(error);
}
