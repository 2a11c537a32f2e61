import { XqgError, type XqgErrorInit } from "@xqg/core";

/**
 * A problem with a user's input file, reported as `file:line: field: message` (no stack trace in the CLI). An
 * `XqgError` of @xqg/core (`code` "bad-input" unless said otherwise).
 */
export class InputError extends XqgError {
  declare readonly file: string;

  constructor(message: string, file: string, line?: number, field?: string);
  /** From @xqg/core's readers: `reason` already names the field. */
  constructor(reason: string, init: XqgErrorInit & { file: string });
  constructor(
    message: string,
    where: string | (XqgErrorInit & { file: string }),
    line?: number,
    field?: string,
  ) {
    if (typeof where === "string")
      super(field !== undefined ? `${field}: ${message}` : message, {
        file: where,
        line,
        field,
        code: "bad-input",
      });
    else super(message, where);
    this.name = "InputError";
  }
}
