/**
 * A mistake the user can fix (bad config, missing file, wrong flag). The CLI prints its message alone, never a
 * stack trace.
 */
export class UserError extends Error {
  override readonly name = "UserError";
}

/** Errors the packages raise for bad input (CorpusError and friends carry file, line and field). */
export function isUserFacing(error: unknown): error is Error {
  if (error instanceof UserError) return true;
  if (!(error instanceof Error)) return false;
  return (
    error.name !== "Error" &&
    error.name.endsWith("Error") &&
    !/^(Type|Range|Reference|Syntax)Error$/.test(error.name)
  );
}
