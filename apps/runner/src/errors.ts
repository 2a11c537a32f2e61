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

/** A mistake in the command line itself (an unknown flag, a bad flag value): the CLI exits 2, as Unix tools do. */
export class UsageError extends XqgError {
  constructor(message: string) {
    super(message, { code: "usage" });
    this.name = "UsageError";
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
