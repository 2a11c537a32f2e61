/** A problem with a user's input file, reported as `file:line: field: message` (no stack trace in the CLI). */
export class InputError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(message: string, file: string, line?: number, field?: string) {
    super(
      `${file}${line !== undefined ? `:${line}` : ""}: ${field !== undefined ? `${field}: ` : ""}${message}`,
    );
    this.name = "InputError";
    this.file = file;
    this.line = line;
    this.field = field;
  }
}
